"""The Telegram bridge: turns Telegram updates into messages to Rasa and Rasa's replies into
Telegram messages. Rasa owns the dialogue; this process only carries messages, keeps Telegram
ids out of everything, and answers kindly what Rasa cannot read (voice notes, stickers, ...).

Run it with ``python -m bot.telegram`` (``make telegram``); ``make run`` starts it whenever
``TELEGRAM_BOT_TOKEN`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import os
import re
import secrets
import sys
import uuid
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.answers import directed, language_buttons
from bot.db import session_factory
from bot.i18n import N_, gettext_for, ui_language
from bot.language import negotiate
from bot.privacy import erase_conversation
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.secrets import secret
from bot.settings import get_settings
from bot.telegram.render import keyboard_rows, lang_of, render
from bot.telegram.state import ButtonStore, RateLimiter, UpdateLog, UserLocks, pseudonym

log = logging.getLogger("bot.telegram")

TELEGRAM_API = "https://api.telegram.org"
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,256}")
ERASE_YES, ERASE_NO = "erase:yes", "erase:no"
UPDATES = ["message", "edited_message", "callback_query"]


# The bot's commands, registered with Telegram in every language (shown in the "/" menu).
COMMANDS = {
    "start": N_("Start and choose your language"),
    "menu": N_("The main topics"),
    "language": N_("Change the language"),
    "help": N_("How to use this assistant"),
    "privacy": N_("What happens to your data"),
    "delete": N_("Erase everything about you"),
}


@dataclass(frozen=True)
class BridgeSettings:
    """Settings of the bridge process, read from the environment (see .env.example)."""

    token: str
    api_base_url: str
    rasa_url: str
    rasa_timeout: float
    pseudonym_key: bytes
    mode: str  # polling | webhook
    webhook_url: str | None
    webhook_listen: str
    webhook_port: int
    secret_token: str | None
    max_input_chars: int
    rate_limit: int
    rate_window: float

    @classmethod
    def from_env(cls) -> BridgeSettings:
        """Read and check the settings; refuse to start on a missing or weak secret."""
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise SystemExit("TELEGRAM_BOT_TOKEN is not set: the Telegram bridge has nothing to do")
        mode = os.environ.get("TELEGRAM_MODE", "polling")
        if mode not in ("polling", "webhook"):
            raise SystemExit(f"TELEGRAM_MODE must be polling or webhook, not {mode!r}")
        secret_token = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
        webhook_url = os.environ.get("TELEGRAM_WEBHOOK_URL") or None
        if mode == "webhook":
            if not webhook_url:
                raise SystemExit("webhook mode needs TELEGRAM_WEBHOOK_URL (the public https URL)")
            if not secret_token or not SECRET_TOKEN.fullmatch(secret_token):
                raise SystemExit(
                    "webhook mode needs TELEGRAM_WEBHOOK_SECRET: 16 to 256 of A-Z a-z 0-9 _ -"
                )
        rasa_port = os.environ.get("RASA_PORT", "5005")
        return cls(
            token=token,
            api_base_url=os.environ.get("TELEGRAM_API_BASE_URL", TELEGRAM_API).rstrip("/"),
            rasa_url=os.environ.get(
                "RASA_URL", f"http://localhost:{rasa_port}/webhooks/rest/webhook"
            ),
            rasa_timeout=float(os.environ.get("RASA_TIMEOUT", "30")),
            pseudonym_key=_pseudonym_key(),
            mode=mode,
            webhook_url=webhook_url,
            webhook_listen=os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443")),
            secret_token=secret_token,
            max_input_chars=int(os.environ.get("TELEGRAM_MAX_INPUT_CHARS", "1000")),
            rate_limit=int(os.environ.get("TELEGRAM_RATE_LIMIT", "12")),
            rate_window=float(os.environ.get("TELEGRAM_RATE_WINDOW", "60")),
        )


def _pseudonym_key() -> bytes:
    """The key of the users' pseudonyms. Changing it starts everyone's conversation afresh."""
    return secret("PSEUDONYM_KEY", make=lambda: secrets.token_hex(32)).encode()


@dataclass
class Bridge:
    """What the handlers share: the Rasa client and what the bridge remembers."""

    settings: BridgeSettings
    rasa: RasaClient
    updates: UpdateLog
    buttons: ButtonStore
    limiter: RateLimiter
    locks: UserLocks = field(default_factory=UserLocks)
    # The language each user was last answered in, for the bridge's own words; memory only.
    langs: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # Users told they write too fast, until they may write again: told once, not each time.
    warned: set[str] = field(default_factory=set)

    @property
    def available(self) -> list[str]:
        """The languages served."""
        return list(get_settings().supported_langs)

    def remember_lang(self, sender: str, lang: str | None) -> None:
        """Keep the user's language for the bridge's own messages (a bounded memory)."""
        if lang:
            self.langs.pop(sender, None)
            self.langs[sender] = lang
            while len(self.langs) > 50_000:
                self.langs.popitem(last=False)


@dataclass(frozen=True)
class Turn:
    """One update from one user, as the handlers see it: no Telegram user id in here."""

    sender: str
    chat_id: int
    lang: str
    hint: str | None


def bridge_of(context: ContextTypes.DEFAULT_TYPE) -> Bridge:
    """The bridge stored in the application."""
    return context.bot_data["bridge"]


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Turn], Coroutine[Any, Any, None]]


def one_turn(
    handler: Handler,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """Run ``handler`` once per update, one update per user at a time, in arrival order."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        bridge = bridge_of(context)
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        sender = pseudonym(user.id, bridge.settings.pseudonym_key)
        # The lock is taken before anything else is awaited, so a user's updates keep their order.
        async with bridge.locks(sender):
            if not await asyncio.to_thread(bridge.updates.take, update.update_id):
                log.info("update %s already answered: skipped", update.update_id)
                return
            hint = user.language_code
            lang = bridge.langs.get(sender) or negotiate(hint, bridge.available)
            turn = Turn(sender=sender, chat_id=chat.id, lang=ui_language([lang or "en"]), hint=hint)
            try:
                await handler(update, context, turn)
            finally:
                await asyncio.to_thread(bridge.updates.done, update.update_id)

    return wrapper


async def send(
    context: ContextTypes.DEFAULT_TYPE,
    turn: Turn,
    text: str,
    buttons: list[tuple[str, str]] | None = None,
    *,
    keyed: bool = True,
) -> None:
    """Send one message of the bridge's own, in the user's language, with optional buttons
    (``keyed=False``: their data is the bridge's own, such as the erase confirmation, and is
    sent as it is instead of as the key of a Rasa payload)."""
    body = html.escape(directed(text, turn.lang), quote=False)
    await _send_message(context, turn, body, buttons or [], keyed=keyed)


async def _send_message(
    context: ContextTypes.DEFAULT_TYPE,
    turn: Turn,
    html_text: str,
    buttons: list[tuple[str, str]],
    *,
    keyed: bool = True,
) -> None:
    bridge = bridge_of(context)
    markup = None
    if buttons:
        key_for: Callable[[str], str] = bridge.buttons.key_for
        if not keyed:
            key_for = _as_is
        rows = await asyncio.to_thread(keyboard_rows, buttons, key_for)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(title, callback_data=key) for title, key in row] for row in rows]
        )
    await context.bot.send_message(
        chat_id=turn.chat_id,
        text=html_text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def _as_is(data: str) -> str:
    return data


async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Show "typing..." until cancelled (Telegram clears it after 5 seconds)."""
    while True:
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
        await asyncio.sleep(4.5)


async def converse(context: ContextTypes.DEFAULT_TYPE, turn: Turn, message: str) -> None:
    """Send ``message`` to Rasa as the user; send Rasa's replies back, or an apology."""
    bridge = bridge_of(context)
    typing = asyncio.create_task(_typing(context, turn.chat_id))
    try:
        metadata = {"lang": turn.hint} if turn.hint else None
        replies = await bridge.rasa.send(sender=turn.sender, message=message, metadata=metadata)
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable (%s): apologised", exc)
        _ = gettext_for(turn.lang)
        await send(
            context, turn, _("Sorry, I cannot answer this right now. Please try again later.")
        )
        return
    finally:
        typing.cancel()
    lang = lang_of(replies)
    bridge.remember_lang(turn.sender, lang)
    outgoing = render(replies)
    if not outgoing:
        log.warning("Rasa sent nothing to show")
    for item in outgoing:
        await _send_message(context, turn, item.text, item.buttons)


def _clip(text: str, limit: int) -> str:
    """The start of ``text``, at most ``limit`` characters, cut at a space where one is near."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit]


def _within_rate(bridge: Bridge, turn: Turn) -> tuple[bool, bool]:
    """(allowed, tell): whether to answer, and whether to say the user writes too fast."""
    if bridge.limiter.allow(turn.sender):
        bridge.warned.discard(turn.sender)
        return True, False
    tell = turn.sender not in bridge.warned
    bridge.warned.add(turn.sender)
    return False, tell


async def _rate_limited(context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> bool:
    """True (and, once, a polite word) when the user is over the rate limit."""
    allowed, tell = _within_rate(bridge_of(context), turn)
    if tell:
        _ = gettext_for(turn.lang)
        log.info("rate limit reached")
        await send(
            context,
            turn,
            _("You are sending messages very fast. Please wait a minute, then ask again."),
        )
    return not allowed


# ---- handlers ----------------------------------------------------------------------------


@one_turn
async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Forward a text message to Rasa."""
    if await _rate_limited(context, turn):
        return
    message = update.effective_message
    text = (message.text if message else "") or ""
    # A leading "/" would make Rasa read the text as an intent: only buttons may do that.
    text = text.lstrip("/").strip()
    if not text:
        return
    limit = bridge_of(context).settings.max_input_chars
    if len(text) > limit:
        _ = gettext_for(turn.lang)
        await send(
            context,
            turn,
            _(
                "Your message is very long, so I read only its beginning. "
                "Short questions work best."
            ),
        )
        text = _clip(text, limit)
    await converse(context, turn, text)


@one_turn
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Continue the conversation with the payload of the pressed button."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(TelegramError):
        await query.answer()  # stops the button's spinner; harmless if it is too late
    if await _rate_limited(context, turn):
        return
    payload = await asyncio.to_thread(bridge_of(context).buttons.payload_for, query.data or "")
    if payload is None:
        _ = gettext_for(turn.lang)
        await send(context, turn, _("This button no longer works. Please type your question."))
        return
    await converse(context, turn, payload)


@one_turn
async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Welcome, say in one sentence what is kept, and offer the languages by their own names."""
    bridge = bridge_of(context)
    _ = gettext_for(turn.lang)
    text = "\n\n".join(
        [
            _(
                "Hello! I answer questions about social security for migrant workers: your "
                "rights, preparing to leave, registering at work, and problems or complaints."
            ),
            _(
                "Privacy: I keep our conversation under a code, never your name or Telegram "
                "account; /privacy tells more and /delete erases it."
            ),
            _("Choose your language:"),
        ]
    )
    preselected = negotiate(turn.hint, bridge.available)
    order = ([preselected] if preselected else []) + [
        lang for lang in bridge.available if lang != preselected
    ]
    buttons = [
        (("✓ " if lang == preselected else "") + b["title"], b["payload"])
        for lang, b in zip(order, language_buttons(order), strict=True)
    ]
    await send(context, turn, text, buttons)


def _forwarding(payload: str) -> Handler:
    async def forward(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
        if not await _rate_limited(context, turn):
            await converse(context, turn, payload)

    return forward


# /menu, /language and /privacy ask Rasa, as the same buttons do: the dialogue stays in Rasa.
on_menu = one_turn(_forwarding("/chat_menu"))
on_language = one_turn(_forwarding("/chat_language"))
on_privacy = one_turn(_forwarding("/privacy_policy"))


@one_turn
async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Say how to use the assistant (also the answer to a command it does not know)."""
    _ = gettext_for(turn.lang)
    await send(
        context,
        turn,
        _(
            "Write your question in your own words, in your language. For example: "
            '"Can I get my pension if I go back home?"\n\n'
            "/menu shows the main topics, /language changes the language, /privacy says what "
            "happens to your data and /delete erases it."
        ),
    )


@one_turn
async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Ask to confirm before erasing everything about the user."""
    _ = gettext_for(turn.lang)
    await send(
        context,
        turn,
        _(
            "This erases our whole conversation and everything I keep about you. "
            "It cannot be undone. Erase everything?"
        ),
        [(_("Yes, erase everything"), ERASE_YES), (_("No, keep it"), ERASE_NO)],
        keyed=False,
    )


@one_turn
async def on_erase_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Erase (or not) after the user's answer to /delete."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(TelegramError):
        await query.answer()
    _ = gettext_for(turn.lang)
    if query.data != ERASE_YES:
        await send(context, turn, _("Nothing was erased."))
        return
    bridge = bridge_of(context)
    try:
        # The user's lock is held (one_turn): no Rasa turn of theirs runs meanwhile.
        count = await asyncio.to_thread(erase_conversation, sender_id=turn.sender)
    except Exception as exc:  # noqa: BLE001 - any storage failure gets the same honest answer
        log.error("erasure failed: %s", type(exc).__name__)
        await send(
            context,
            turn,
            _("Sorry, I could not erase your data right now. Please try again later."),
        )
        return
    bridge.langs.pop(turn.sender, None)
    bridge.limiter.forget(turn.sender)
    bridge.warned.discard(turn.sender)
    log.info("erased a conversation (%d events)", count)
    await send(context, turn, _("Done: everything I kept about you is erased."))


@one_turn
async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Answer voice notes, photos, stickers, files and locations kindly: text only, nothing kept."""
    message = update.effective_message
    _ = gettext_for(turn.lang)
    if message is not None and (message.location or message.venue):
        text = _("I do not keep locations, and I can only read text. Please type your question.")
    else:
        text = _(
            "I can only read text messages. Please type your question in words, in your language."
        )
    log.info("non-text message answered")
    await send(context, turn, text)


@one_turn
async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Say that edits are not read, so the user is not left waiting for an answer to one."""
    _ = gettext_for(turn.lang)
    await send(
        context,
        turn,
        _("I do not read changes to sent messages. Please send your question again as a new one."),
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what failed (its kind, never the message) and apologise; the bridge keeps running."""
    error = context.error
    log.error("error while handling an update: %s", type(error).__name__)
    bridge: Bridge | None = context.bot_data.get("bridge")
    if bridge and isinstance(update, Update) and update.effective_chat and update.effective_user:
        sender = pseudonym(update.effective_user.id, bridge.settings.pseudonym_key)
        lang = ui_language([bridge.langs.get(sender) or "en"])
        _ = gettext_for(lang)
        with contextlib.suppress(Exception):
            await context.bot.send_message(
                chat_id=update.effective_chat.id,
                text=_("Sorry, I cannot answer this right now. Please try again later."),
            )


# ---- wiring ------------------------------------------------------------------------------


async def post_init(application: Application) -> None:
    """Open the Rasa client, prune old update records, register the commands per language."""
    settings: BridgeSettings = application.bot_data["settings"]
    sessions = session_factory()
    updates = UpdateLog(sessions, run_id=uuid.uuid4().hex)
    await asyncio.to_thread(updates.prune)
    application.bot_data["bridge"] = Bridge(
        settings=settings,
        rasa=RasaClient(settings.rasa_url, timeout=settings.rasa_timeout),
        updates=updates,
        buttons=ButtonStore(sessions),
        limiter=RateLimiter(limit=settings.rate_limit, window=settings.rate_window),
    )
    await register_commands(application)


async def register_commands(application: Application) -> None:
    """``setMyCommands`` for every served language, and for everyone else in the default one."""
    default = get_settings().default_lang
    for lang in [None, *get_settings().supported_langs]:
        _ = gettext_for(lang or default)
        commands = [BotCommand(name, _(description)) for name, description in COMMANDS.items()]
        try:
            await application.bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:
            log.warning("could not register the commands for %s: %s", lang or "default", exc)


async def post_shutdown(application: Application) -> None:
    """Close the Rasa client."""
    bridge: Bridge | None = application.bot_data.get("bridge")
    if bridge is not None:
        await bridge.rasa.close()


class SafeBot(ExtBot):
    """An ExtBot that survives an update it cannot parse.

    python-telegram-bot parses a whole getUpdates batch at once: one malformed update makes the
    batch fail, it is never confirmed, and polling retries it forever while every user waits
    (logging its text each time). Here each update is checked on its own, and one that cannot be
    parsed is replaced by an empty update with its id, so it is confirmed and skipped."""

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        return [self._parseable(raw) for raw in result if isinstance(raw, dict)]

    def _parseable(self, raw: dict[str, Any]) -> dict[str, Any]:
        try:
            Update.de_json(dict(raw), self)
            return raw
        except Exception:  # noqa: BLE001 - whatever is wrong with it, the bridge goes on
            log.error("skipped an update that could not be read (id %s)", raw.get("update_id"))
            return {"update_id": raw.get("update_id", 0)}


class RedactUpdates(logging.Filter):
    """python-telegram-bot logs the raw data of an update it cannot parse (message text
    included) at CRITICAL: keep the fact, drop the data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and "Received data" in str(record.msg):
            record.msg = "could not process data received from Telegram (data not logged)"
            record.args = ()
        return True


def build_app(settings: BridgeSettings) -> Application:
    """The python-telegram-bot application with every handler wired."""
    bot = SafeBot(
        settings.token,
        base_url=f"{settings.api_base_url}/bot",
        base_file_url=f"{settings.api_base_url}/file/bot",
        request=HTTPXRequest(connection_pool_size=64),
        get_updates_request=HTTPXRequest(),
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        # Users are answered concurrently; one_turn keeps each user's messages in order.
        .concurrent_updates(64)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data["settings"] = settings
    private = filters.ChatType.PRIVATE
    # Order matters: commands before text, the erase confirmation before other buttons.
    application.add_handler(CommandHandler("start", on_start, filters=private))
    application.add_handler(CommandHandler("menu", on_menu, filters=private))
    application.add_handler(CommandHandler("language", on_language, filters=private))
    application.add_handler(CommandHandler("help", on_help, filters=private))
    application.add_handler(CommandHandler("privacy", on_privacy, filters=private))
    application.add_handler(CommandHandler("delete", on_delete, filters=private))
    application.add_handler(MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, on_edited))
    application.add_handler(MessageHandler(private & filters.COMMAND, on_help))
    application.add_handler(MessageHandler(private & filters.TEXT, on_text))
    application.add_handler(MessageHandler(private & ~filters.TEXT, on_other))
    application.add_handler(CallbackQueryHandler(on_erase_answer, pattern=r"^erase:(yes|no)$"))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


def configure_logging() -> None:
    """Log what happens, never what is said: no message text, no Telegram ids, no token."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactUpdates())
    # httpx logs every request URL at INFO, and the Bot API's URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot logs whole updates (message text included) at DEBUG.
    for name in ("telegram", "tornado"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger().level))


def main() -> int:
    """Run the bridge until stopped: long polling by default, a webhook in production."""
    configure_logging()
    settings = BridgeSettings.from_env()
    application = build_app(settings)
    log.info("Telegram bridge starting (%s, Rasa at %s)", settings.mode, settings.rasa_url)
    if settings.mode == "webhook":
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url,
            secret_token=settings.secret_token,
            allowed_updates=UPDATES,
        )
    else:
        application.run_polling(allowed_updates=UPDATES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
