"""The project's web server (http://localhost:8000): the chat widget and its configuration, a
snippet generator for embassies, and an example embassy page that embeds the widget.

It serves files and settings only; the conversation itself goes from the browser straight to
Rasa's socket.io channel (bot/channels/socketio.py), which checks the page's origin."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.i18n import N_, gettext_for, ui_language
from bot.language import language_name, negotiate, text_direction
from bot.profiles import get_profile, origin_allowed
from bot.retention import purge
from bot.settings import get_settings

log = logging.getLogger("bot.web")
STATIC = Path(__file__).resolve().parent / "static"
FILES = {
    "/widget.js": ("widget.js", "text/javascript"),
    "/widget.css": ("widget.css", "text/css"),
    "/vendor/socket.io.min.js": ("vendor/socket.io.min.js", "text/javascript"),
    "/logos/demo.svg": ("logos/demo.svg", "image/svg+xml"),
}
DEMO_PROFILE = "demo-np-qa"


@dataclass(frozen=True)
class WebSettings:
    """Where the web server listens and where browsers reach Rasa."""

    host: str
    port: int
    public_url: str
    socket_url: str

    @classmethod
    def from_env(cls) -> WebSettings:
        """Read the settings (see .env.example)."""
        port = int(os.environ.get("WEB_PORT", "8000"))
        rasa_port = os.environ.get("RASA_PORT", "5005")
        return cls(
            host=os.environ.get("WEB_INTERFACE", "127.0.0.1"),
            port=port,
            public_url=os.environ.get("WEB_PUBLIC_URL", f"http://localhost:{port}").rstrip("/"),
            socket_url=os.environ.get("PUBLIC_RASA_URL", f"http://localhost:{rasa_port}"),
        )


# The widget's own words, by key; translated through the gettext catalogs.
WIDGET_STRINGS = {
    "open": N_("Open the chat"),
    "close": N_("Close the chat"),
    "title": N_("Ask about your social security rights"),
    "placeholder": N_("Type your question"),
    "send": N_("Send"),
    "privacy": N_(
        "Do not write your name, passport number or address. What you write is kept "
        "to answer you and can be deleted."
    ),
    "connecting": N_("Connecting..."),
    "reconnecting": N_("Connection lost. Reconnecting..."),
    "reconnected": N_("Connected again."),
    "refused": N_("This chat is not available on this website."),
    "error": N_("The chat cannot connect right now. Please try again later."),
    "language": N_("Language"),
    "you": N_("You:"),
    "assistant": N_("Assistant:"),
}


@cache
def _static(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _security_headers(response: web.StreamResponse, settings: WebSettings) -> None:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    socket = settings.socket_url
    ws = socket.replace("http://", "ws://").replace("https://", "wss://")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"connect-src 'self' {socket} {ws}; "
        "img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


@web.middleware
async def headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Security headers on every response; compression where the browser accepts it."""
    response = await handler(request)
    _security_headers(response, request.app["settings"])
    if isinstance(response, web.Response) and not isinstance(response, web.FileResponse):
        response.enable_compression()
    return response


async def static_file(request: web.Request) -> web.Response:
    """The widget's files, cacheable for an hour (a release changes them rarely)."""
    name, content_type = FILES[request.path]
    return web.Response(
        body=_static(name),
        content_type=content_type,
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def _widget_lang(wanted: str | None, profile: dict[str, Any]) -> str:
    available = list(get_settings().supported_langs)
    return negotiate(wanted, available) or profile.get("default_lang") or available[0]


async def widget_config(request: web.Request) -> web.Response:
    """The widget's settings for one profile and language: its words, languages, colours."""
    profile = get_profile(request.match_info["profile"])
    if profile is None:
        raise web.HTTPNotFound(text="unknown profile")
    origin = request.headers.get("Origin")
    cors: dict[str, str] = {"Vary": "Origin"}
    if origin:
        if not origin_allowed(profile, origin):
            raise web.HTTPForbidden(text="this website may not use this profile")
        cors["Access-Control-Allow-Origin"] = origin
    lang = _widget_lang(request.query.get("lang"), profile)
    strings_lang = ui_language([lang])
    _ = gettext_for(strings_lang)
    settings: WebSettings = request.app["settings"]
    body = {
        "profile": {
            "id": profile["id"],
            "name": profile["name"],
            "color": (profile.get("theme") or {}).get("color", "#0b5394"),
            "logo": logo_url(settings, (profile.get("theme") or {}).get("logo")),
        },
        "socket_url": settings.socket_url,
        "socket_path": "/socket.io/",
        "lang": lang,
        "dir": text_direction(lang),
        "languages": [
            {"code": code, "name": language_name(code), "dir": text_direction(code)}
            for code in get_settings().supported_langs
        ],
        "strings": {key: _(text) for key, text in WIDGET_STRINGS.items()},
    }
    return web.json_response(body, headers=cors)


def logo_url(settings: WebSettings, logo: str | None) -> str | None:
    """The logo's address for browsers: an https URL as given, a path on this server made whole."""
    if not logo:
        return None
    return settings.public_url + logo if logo.startswith("/") else logo


def snippet(settings: WebSettings, profile_id: str, lang: str | None = None) -> str:
    """The one tag an embassy pastes into its pages."""
    lang_attr = f' data-lang="{html.escape(lang)}"' if lang else ""
    return (
        f'<script src="{settings.public_url}/widget.js" '
        f'data-profile="{html.escape(profile_id)}"{lang_attr} defer></script>'
    )


PAGE = """<!doctype html>
<html lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<link rel="stylesheet" href="/page.css">
</head>
<body>
{body}
</body>
</html>
"""

PAGE_CSS = b"""body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;
line-height:1.5}
header{background:#7a1f1f;color:#fff;padding:1rem 1.25rem}
main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem 8rem}
code,textarea{font-family:ui-monospace,monospace;font-size:.9rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
textarea{width:100%;box-sizing:border-box;min-height:5rem}
a{color:#0b3d91}
"""


async def page_css(_request: web.Request) -> web.Response:
    """The example pages' own style (not the widget's)."""
    return web.Response(body=PAGE_CSS, content_type="text/css", charset="utf-8")


async def demo(request: web.Request) -> web.Response:
    """An example embassy page embedding the widget exactly as an embassy would."""
    settings: WebSettings = request.app["settings"]
    wanted = request.query.get("lang")
    lang = negotiate(wanted, list(get_settings().supported_langs)) if wanted else None
    page_lang = lang or "en"
    lang_attr = f' data-lang="{lang}"' if lang else ""
    body = f"""<header><strong>Example embassy website</strong></header>
<main>
<h1>Information for workers abroad</h1>
<p>This page shows how an embassy embeds the social-security assistant. The chat button is at
the bottom of the page. The embassy pasted only this tag:</p>
<pre><code>{html.escape(snippet(settings, DEMO_PROFILE, lang))}</code></pre>
<p>Other languages: <a href="?lang=ar">العربية</a> · <a href="?lang=ne">नेपाली</a> ·
<a href="?lang=en">English</a></p>
</main>
<script src="/widget.js" data-profile="{DEMO_PROFILE}"{lang_attr} defer></script>"""
    return web.Response(
        text=PAGE.format(lang=page_lang, dir="ltr", title="Example embassy", body=body),
        content_type="text/html",
    )


async def embed(request: web.Request) -> web.Response:
    """The copy-paste snippet for a profile (and, optionally, a language)."""
    settings: WebSettings = request.app["settings"]
    profile_id = request.query.get("profile", DEMO_PROFILE)
    profile = get_profile(profile_id)
    if profile is None:
        raise web.HTTPNotFound(text="unknown profile")
    langs = list(get_settings().supported_langs)
    lang = negotiate(request.query.get("lang"), langs) if request.query.get("lang") else None
    options = "".join(
        f'<li><a href="?profile={html.escape(profile_id)}&amp;lang={code}">'
        f"{html.escape(language_name(code))}</a></li>"
        for code in langs
    )
    origins = ", ".join(html.escape(o) for o in profile["allowed_origins"])
    body = f"""<header><strong>Embed the assistant</strong></header>
<main>
<h1>{html.escape(profile["name"])}</h1>
<p>Paste this tag before <code>&lt;/body&gt;</code> on your pages. It works only on: {origins}.</p>
<label for="snippet">Snippet</label>
<textarea id="snippet" readonly>{html.escape(snippet(settings, profile_id, lang))}</textarea>
<p>Open the chat in one language:</p>
<ul>{options}</ul>
</main>"""
    return web.Response(
        text=PAGE.format(lang="en", dir="ltr", title="Embed the assistant", body=body),
        content_type="text/html",
    )


async def healthz(_request: web.Request) -> web.Response:
    """Ready."""
    return web.json_response({"status": "ok"})


async def root(_request: web.Request) -> web.Response:
    """The example page."""
    raise web.HTTPFound("/demo/")


async def retention_loop(app: web.Application) -> Any:
    """Delete old conversations every hour while the server runs (bot/retention.py)."""

    async def loop() -> None:
        while True:
            try:
                await asyncio.to_thread(purge)
            except Exception as exc:  # noqa: BLE001 - a failed run is retried next hour
                log.error("retention run failed: %s", type(exc).__name__)
            await asyncio.sleep(3600)

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def build_app(settings: WebSettings) -> web.Application:
    """The aiohttp application with every route."""
    app = web.Application(middlewares=[headers])
    app["settings"] = settings
    app.cleanup_ctx.append(retention_loop)
    for path in FILES:
        app.router.add_get(path, static_file)
    app.router.add_get("/page.css", page_css)
    app.router.add_get("/api/widget/{profile}", widget_config)
    app.router.add_get("/demo/", demo)
    app.router.add_get("/embed", embed)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", root)
    return app


def main() -> int:
    """Serve until stopped."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = WebSettings.from_env()
    log.info("web server on http://%s:%d", settings.host, settings.port)
    # No access log: request paths and addresses are not kept.
    web.run_app(
        build_app(settings), host=settings.host, port=settings.port, access_log=None, print=None
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
