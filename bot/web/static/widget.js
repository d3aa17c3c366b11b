/*
 * Chat widget for the social-security rights assistant (Rasa socket.io channel).
 *
 * An embassy embeds it with ONE tag:
 *   <script src="https://HOST/widget.js" data-profile="demo-np-qa" data-lang="ar" defer></script>
 *
 * Everything is drawn inside the open shadow root of <div id="mw-chat">, so the host page's
 * CSS cannot break it. No framework, no build step, no cookies, no localStorage and no third
 * parties: widget.css, the socket.io client and the config all come from the server that serves
 * this file. sessionStorage (gone when the tab closes) keeps the conversation across reloads.
 *
 * Keep this file pure ASCII (escape other characters as \uXXXX): without a charset in the
 * Content-Type, a browser decodes it in the embassy page's own encoding, maybe windows-1256.
 *
 * Test hooks on the host element: data-state="open|closed",
 * data-connection="connecting|connected|reconnecting|refused|error", data-ready="1".
 */
(() => {
  "use strict";

  // document.currentScript is only set while this file is first executed, so read it now.
  const me = document.currentScript ||
    [...document.querySelectorAll("script[src]")]
      .filter((s) => /\/widget\.js$/.test(new URL(s.src, location.href).pathname))
      .pop();
  const profile = me && me.dataset.profile;
  if (!profile) {
    console.warn("mw-chat: the widget <script> tag needs a data-profile attribute");
    return;
  }
  if (document.getElementById("mw-chat")) return; // the tag was pasted twice

  const BASE = new URL(".", me.src).href; // origin + directory of widget.js, ends with "/"
  const MAX_LEN = 1000; // longest message a visitor can send
  const MAX_LOG = 200; // messages kept in sessionStorage
  const FALLBACK_COLOR = "#0b5394";
  const ICON = '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
  // Used when the server leaves a string out.
  const DEFAULTS = {
    open: "Open chat", close: "Close chat", title: "Chat", placeholder: "Type your question",
    send: "Send", privacy: "Do not type your name, passport or ID number.",
    connecting: "Connecting...", reconnecting: "Connection lost. Reconnecting...",
    reconnected: "Connected again.", refused: "The chat is not available on this site.",
    language: "Language", you: "You:", assistant: "Assistant:",
    error: "The chat is not available right now. Please try again later.",
  };

  // ---- sessionStorage, keyed per profile. Storage can be blocked or full: then we just forget.
  const store = {
    get(key) {
      try { return sessionStorage.getItem(key + ":" + profile); } catch (e) { return null; }
    },
    set(key, value) {
      try { sessionStorage.setItem(key + ":" + profile, value); } catch (e) { /* ignore */ }
    },
  };
  let log; // transcript: [{who: "user"|"bot", text, choices?: [{title, payload}], picked?, lang?}]
  try { log = JSON.parse(store.get("mw-log")); } catch (e) { /* corrupt: start afresh */ }
  if (!Array.isArray(log)) log = [];
  const saveLog = () => store.set("mw-log", JSON.stringify(log));

  // ---- config
  const fetchConfig = async (lang) => {
    const url = BASE + "api/widget/" + encodeURIComponent(profile) + "?lang=" + encodeURIComponent(lang || "");
    const res = await fetch(url, { credentials: "omit" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    const c = await res.json();
    if (!c || !c.profile || !c.profile.id) throw new Error("unexpected config");
    c.strings = Object.assign({}, DEFAULTS, c.strings);
    c.dir = c.dir === "rtl" ? "rtl" : "ltr";
    c.languages = Array.isArray(c.languages) ? c.languages : [];
    return c;
  };

  // White text must have a contrast of at least 4.5:1 on the profile colour (WCAG formula);
  // anything else (bad syntax, too light) falls back to our own blue.
  const headerColor = (color) => {
    const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || "");
    if (!m) return FALLBACK_COLOR;
    const hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    const [r, g, b] = [0, 2, 4].map((i) => {
      const v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return 1.05 / (lum + 0.05) >= 4.5 ? "#" + hex : FALLBACK_COLOR;
  };

  // Tiny element builder. String children become text nodes (never parsed as HTML).
  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    el.append(...kids);
    return el;
  };

  // ---- the DOM (filled with texts by render())
  const host = h("div", { id: "mw-chat", "data-state": "closed" });
  const root = host.attachShadow({ mode: "open" });
  const css = h("link", { rel: "stylesheet", href: BASE + "widget.css" });
  const cssLoaded = new Promise((resolve, reject) => { css.onload = resolve; css.onerror = reject; });

  const launchText = h("span", { class: "mw-launch-text" });
  const launchIcon = h("span", { class: "mw-icon" });
  launchIcon.innerHTML = ICON; // static markup of our own, no message text
  const launcher = h("button", {
    type: "button", class: "mw-launcher", "aria-controls": "mw-panel", "aria-expanded": "false",
    onclick: () => setOpen(!isOpen, true),
  }, launchIcon, launchText);

  // The organisation's logo, if its profile has one; decorative (its name is the title).
  const logo = h("img", { class: "mw-logo", alt: "", hidden: true });
  const title = h("h2", { class: "mw-title" });
  const langLabel = h("label", { class: "mw-sr", for: "mw-lang" });
  const langSelect = h("select", { class: "mw-lang", id: "mw-lang", onchange: () => changeLang(langSelect.value) });
  const closeBtn = h("button", { type: "button", class: "mw-close", onclick: () => setOpen(false, true) }, "\u00d7");
  const privacy = h("p", { class: "mw-privacy" });
  const logEl = h("ol", { class: "mw-log", role: "log", "aria-live": "polite" });
  const statusEl = h("p", { class: "mw-status", role: "status" });
  const inputLabel = h("label", { class: "mw-sr", for: "mw-input" });
  const input = h("textarea", { class: "mw-input", id: "mw-input", rows: 1, maxlength: MAX_LEN, onkeydown: onKey, oninput: grow });
  const sendBtn = h("button", { type: "submit", class: "mw-send" });
  const form = h("form", { class: "mw-form", onsubmit: (e) => { e.preventDefault(); sendTyped(); } }, inputLabel, input, sendBtn);
  const panel = h("div", { class: "mw-panel", id: "mw-panel", role: "dialog", hidden: true },
    h("div", { class: "mw-head" }, logo, title, langLabel, langSelect, closeBtn),
    privacy, logEl, statusEl, form);
  // The launcher comes first so that Tab goes from it straight into the panel it opens.
  const wrap = h("div", { class: "mw-root", hidden: true }, launcher, panel);
  root.append(css, wrap);
  // Escape closes the panel, whether focus is inside the widget (events from the shadow root
  // reach the document retargeted to the host) or nowhere, e.g. after a click on a bubble's text.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && isOpen && [host, document.body, document.documentElement].includes(e.target)) {
      e.preventDefault();
      setOpen(false, true);
    }
  });

  let C; // current config
  let S; // its strings
  let isOpen = false;
  let statusKey = ""; // key in S of the text in the status line

  // (Re)draw every text that depends on the language; called at start and on a language change.
  function render() {
    S = C.strings;
    for (const el of [wrap, panel]) { el.dir = C.dir; el.lang = C.lang || ""; }
    wrap.style.setProperty("--mw-c", headerColor(C.profile.color));
    panel.setAttribute("aria-label", S.title);
    title.textContent = C.profile.name || S.title;
    if (C.profile.logo) { logo.src = C.profile.logo; logo.hidden = false; } else { logo.hidden = true; }
    langLabel.textContent = S.language;
    langSelect.textContent = "";
    for (const l of C.languages) {
      langSelect.append(h("option", { value: l.code, lang: l.code, dir: l.dir === "rtl" ? "rtl" : "ltr" }, l.name || l.code));
    }
    langSelect.value = C.lang;
    langSelect.hidden = langLabel.hidden = C.languages.length < 2;
    closeBtn.setAttribute("aria-label", S.close);
    closeBtn.title = S.close;
    privacy.textContent = S.privacy;
    inputLabel.textContent = input.placeholder = S.placeholder;
    sendBtn.textContent = S.send;
    setOpen(isOpen, false);
    setStatus(statusKey);
    logEl.textContent = "";
    log.forEach((m) => logEl.append(messageEl(m)));
    logEl.scrollTop = logEl.scrollHeight;
  }

  function setOpen(open, moveFocus) {
    isOpen = open;
    panel.hidden = !open;
    wrap.classList.toggle("mw-open", open);
    host.dataset.state = open ? "open" : "closed";
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", launchText.textContent = open ? S.close : S.open);
    store.set("mw-open", open ? "1" : "0");
    if (open) {
      connect(); // only now: visitors who never open the chat never contact the assistant
      logEl.scrollTop = logEl.scrollHeight;
      if (moveFocus) input.focus();
    } else if (moveFocus) {
      launcher.focus();
    }
  }

  function setStatus(key) {
    statusKey = key;
    statusEl.textContent = key ? S[key] : "";
  }

  function setConnection(state, key) {
    host.dataset.connection = state;
    setStatus(key);
  }

  // ---- messages
  function messageEl(m) {
    // dir="auto": the bubble takes its direction from its own text, so Arabic reads right-to-left
    // even in an English panel. The hidden "You:" prefix has its own dir so that it is skipped
    // when the browser looks for the first strong character. (A bubble with no text, only
    // choices, keeps the panel's direction.)
    const li = h("li", { class: "mw-msg mw-" + (m.who === "user" ? "user" : "bot"), dir: m.text ? "auto" : null, lang: m.lang },
      h("span", { class: "mw-sr", dir: C.dir, lang: C.lang || "" }, speaker(m.who === "user" ? S.you : S.assistant)),
      h("span", { class: "mw-text" }, m.text));
    if (m.choices && m.choices.length) {
      const group = h("div", { class: "mw-choices", role: "group" });
      for (const c of m.choices) {
        group.append(h("button", {
          type: "button", dir: "auto", disabled: m.picked != null,
          class: "mw-choice" + (m.picked === c.title ? " mw-picked" : ""),
          onclick: (e) => choose(m, c, e.currentTarget),
        }, c.title));
      }
      li.append(group);
    }
    return li;
  }

  // "You:" for screen readers; the server's strings may or may not end with a colon.
  const speaker = (label) => label.replace(/\s*[:\uff1a]?\s*$/, "") + ": ";

  function addMessage(m) {
    log.push(m);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
    saveLog();
    logEl.append(messageEl(m));
    while (logEl.children.length > MAX_LOG) logEl.firstChild.remove();
    logEl.scrollTop = logEl.scrollHeight;
  }

  function choose(m, c, button) {
    if (m.picked != null) return;
    m.picked = c.title;
    for (const b of button.parentNode.children) b.disabled = true;
    button.classList.add("mw-picked");
    addMessage({ who: "user", text: c.title }); // also saves m.picked
    send(c.payload);
    input.focus(); // the clicked button is now disabled and would drop focus to <body>
  }

  function sendTyped() {
    const text = input.value.trim().slice(0, MAX_LEN);
    if (!text || input.disabled) return;
    input.value = "";
    grow();
    addMessage({ who: "user", text });
    send(text);
  }

  function onKey(e) {
    // Enter sends, Shift+Enter makes a new line; never while an input method is composing.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      sendTyped();
    }
  }

  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 128) + "px";
  }

  function onBot(d) {
    if (!d || typeof d !== "object") return;
    const choices = (Array.isArray(d.quick_replies) ? d.quick_replies : [])
      .filter((q) => q && q.title != null && q.payload != null)
      .map((q) => ({ title: String(q.title), payload: String(q.payload) }));
    if ((typeof d.text === "string" && d.text.trim()) || choices.length) {
      addMessage(choices.length ? { who: "bot", text: d.text || "", choices } : { who: "bot", text: d.text });
    }
    // custom payloads are for machines; we only use their language to tag the last bot bubble
    // (so screen readers pick the right voice).
    const lang = d.custom && d.custom.lang;
    if (typeof lang === "string" && /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(lang)) {
      const last = [...log].reverse().find((m) => m.who === "bot");
      const bubbles = logEl.querySelectorAll(".mw-bot");
      if (last) {
        last.lang = lang;
        saveLog();
        if (bubbles.length) bubbles[bubbles.length - 1].lang = lang;
      }
    }
  }

  // ---- language
  let langRequest = 0;
  async function changeLang(code) {
    const n = ++langRequest;
    let c;
    try {
      c = await fetchConfig(code);
    } catch (e) {
      console.warn("mw-chat: could not load language " + code + ":", e.message || e);
      langSelect.value = C.lang;
      return;
    }
    if (n !== langRequest) return; // the visitor already picked another one
    C = c;
    render();
    store.set("mw-lang", C.lang || code);
    // Tell the assistant too, so its answers switch language; not shown as a bubble.
    send("/chat_language" + JSON.stringify({ language: C.lang || code }));
  }

  // ---- socket.io
  let socket = null;
  let started = false;
  let everConnected = false;
  let confirmed = false; // the server confirmed our session id on the current connection
  let failures = 0;
  let sessionId = store.get("mw-session");
  let clearTimer = 0;
  const queue = []; // messages typed before the session was confirmed (Rasa drops those)

  function send(text) {
    if (!confirmed) { queue.push(text); return; }
    socket.emit("user_uttered", { message: text, session_id: sessionId, customData: { lang: C.lang } });
  }

  // Load vendor/socket.io.min.js with a <script> tag and hand back its io(). If the page already
  // had a window.io of its own (maybe another version), put it back afterwards.
  const loadIo = () => new Promise((resolve, reject) => {
    const before = window.io;
    const s = document.createElement("script");
    s.src = BASE + "vendor/socket.io.min.js";
    s.async = true;
    s.onload = () => {
      const io = window.io;
      if (before) window.io = before;
      if (typeof io === "function" && io !== before) resolve(io);
      else reject(new Error("socket.io did not load"));
    };
    s.onerror = () => reject(new Error("could not load " + s.src));
    document.head.appendChild(s);
  });

  function connect() {
    if (started) return;
    started = true;
    setConnection("connecting", "connecting");
    loadIo().then(openSocket, (e) => {
      console.warn("mw-chat:", e.message || e);
      setConnection("error", "error");
    });
  }

  function openSocket(io) {
    socket = io(C.socket_url || new URL(BASE).origin, {
      path: C.socket_path || "/socket.io/",
      transports: ["websocket", "polling"],
      auth: { profile: C.profile.id },
      reconnection: true,
    });

    socket.on("connect", () => {
      failures = 0;
      setConnection("connected", everConnected ? "reconnected" : "");
      if (everConnected) {
        clearTimeout(clearTimer);
        clearTimer = setTimeout(() => statusKey === "reconnected" && setStatus(""), 4000);
      }
      everConnected = true;
      socket.emit("session_request", { session_id: sessionId || null });
    });

    socket.on("session_confirm", (d) => {
      const id = typeof d === "string" ? d : d && d.session_id;
      if (!id) return;
      sessionId = String(id);
      store.set("mw-session", sessionId);
      confirmed = true;
      queue.splice(0).forEach(send);
    });

    socket.on("bot_uttered", onBot);

    socket.on("disconnect", (reason) => {
      confirmed = false;
      if (reason === "io client disconnect") return; // we closed it ourselves
      setConnection("reconnecting", "reconnecting");
      // After a deliberate disconnect by the server the client does not retry by itself.
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 5000);
    });

    socket.on("connect_error", (err) => {
      failures++;
      const why = String(err && err.message) + " " + JSON.stringify((err && err.data) || "");
      // The server refused us in its connect handler (python-socketio: "Connection rejected by
      // server"; the backend refuses origins a profile does not allow). The client then stops
      // retrying by itself (socket.active is false), so this will not fix itself: say so.
      if (!socket.active || /refused|rejected|not allowed|forbidden|origin/i.test(why)) {
        socket.disconnect();
        input.disabled = sendBtn.disabled = true;
        setConnection(everConnected ? "error" : "refused", everConnected ? "error" : "refused");
        return;
      }
      // A proxy may block WebSocket: try long-polling first from now on (as socket.io's docs advise).
      socket.io.opts.transports = ["polling", "websocket"];
      if (failures >= 3) setConnection("error", "error"); // socket.io keeps retrying meanwhile
    });
  }

  // ---- start
  async function start() {
    try {
      C = await fetchConfig(store.get("mw-lang") || me.dataset.lang || "");
    } catch (e) {
      console.warn("mw-chat: chat widget not shown, config failed:", e.message || e);
      return;
    }
    if (document.readyState === "loading") {
      await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
    }
    document.body.appendChild(host);
    try {
      await cssLoaded; // shown only once styled
    } catch (e) {
      console.warn("mw-chat: chat widget not shown, widget.css failed to load");
      host.remove();
      return;
    }
    const wasOpen = store.get("mw-open") === "1"; // read before render() writes it
    render();
    wrap.hidden = false;
    if (wasOpen) setOpen(true, false); // after a reload: don't pop up the phone's keyboard
    host.dataset.ready = "1";
  }

  start();
})();
