"""The Telegram bridge as users meet it: the real python-telegram-bot process, talking HTTP to a
Bot API stand-in on loopback, and to the real Rasa server and action server."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.answers import RLM
from bot.settings import ROOT
from bot.telegram.state import pseudonym
from tests.e2e.conftest import Assistant
from tests.telegram_api import BotApiStandIn, button_update, keyboard, message_update

TOKEN = "123456:TEST-token-of-the-stand-in"
KEY = "k" * 40  # the test's pseudonym key
DEVANAGARI = range(0x0900, 0x0980)
ARABIC = range(0x0600, 0x0700)


def new_user() -> int:
    """A Telegram user id no other test uses."""
    return random.randint(10**11, 10**12 - 1)


def share(text: str, script: range) -> float:
    """The share of the letters of ``text`` that are in ``script``."""
    letters = [c for c in text if c.isalpha()]
    return sum(ord(c) in script for c in letters) / max(1, len(letters))


class Bridge:
    """A running bridge process and the stand-in it talks to."""

    def __init__(self, api: BotApiStandIn, process: subprocess.Popen[bytes], log: Path) -> None:
        self.api = api
        self.process = process
        self.log = log

    def say(
        self, user_id: int, text: str | None = None, *, lang: str | None = None, **extra: Any
    ) -> list[dict[str, Any]]:
        """Send a message as ``user_id``; return the bot's messages to them."""
        return self.deliver(message_update(user_id, text, language_code=lang, **extra), user_id)

    def press(self, user_id: int, data: str, *, lang: str | None = None) -> list[dict[str, Any]]:
        """Press a button; return the bot's messages."""
        return self.deliver(button_update(user_id, data, language_code=lang), user_id)

    def deliver(
        self, update: dict[str, Any], user_id: int, *, redeliver: bool = False
    ) -> list[dict[str, Any]]:
        """Queue an update and collect the replies: until the first comes, then until quiet."""
        mark = self.api.mark()
        self.api.push(update, redeliver=redeliver)
        return self.replies(user_id, mark)

    def replies(self, user_id: int, mark: int, quiet: float = 1.5) -> list[dict[str, Any]]:
        """The messages to ``user_id`` after ``mark``, once the bot has stopped sending."""
        self.api.wait_for("sendMessage", lambda p: p["chat_id"] == user_id, after=mark)
        count = -1
        while count != len(sent := self.api.sent(user_id, after=mark)):
            count = len(sent)
            time.sleep(quiet)
        return sent

    def alive(self) -> bool:
        """The process is still running."""
        return self.process.poll() is None


@contextlib.contextmanager
def run_bridge(assistant: Assistant, name: str, **env: str) -> Iterator[Bridge]:
    """Start a stand-in and a bridge process against it; stop both at the end."""
    api = BotApiStandIn(TOKEN).start()
    log = assistant.log_dir / f"telegram-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    full_env = {
        **os.environ,
        **assistant.env,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.url,
        "RASA_URL": assistant.ports.rest_url,
        "PSEUDONYM_KEY": KEY,
        **env,
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.telegram"],
            cwd=ROOT,
            env=full_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    bridge = Bridge(api, process, log)
    try:
        ready = "setWebhook" if env.get("TELEGRAM_MODE") == "webhook" else "getUpdates"
        api.wait_for(ready, timeout=60)
        yield bridge
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        api.stop()


@pytest.fixture(scope="module")
def bridge(assistant: Assistant) -> Iterator[Bridge]:
    """The bridge in its default mode (long polling), against the running assistant."""
    with run_bridge(assistant, "polling") as running:
        yield running


def tracker_events(assistant: Assistant, sender: str) -> int:
    """How many events Rasa keeps for ``sender``."""
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[
            0
        ]


def test_commands_are_registered_in_every_language(bridge: Bridge) -> None:
    calls = [p for name, p in bridge.api.calls if name == "setMyCommands"]
    by_lang = {p.get("language_code"): p["commands"] for p in calls}
    assert set(by_lang) >= {None, "en", "es", "fr", "pt", "ar", "ne", "hi", "bn", "id", "tl"}
    names = {c["command"] for c in by_lang["ne"]}
    assert names == {"start", "menu", "language", "help", "privacy", "delete"}
    assert by_lang["ne"] != by_lang["en"]  # described in Nepali, not in English


def nepali_journey(bridge: Bridge, assistant: Assistant) -> None:
    user_id = new_user()
    start = bridge.say(user_id, "/start", lang="ne")
    assert len(start) == 1
    buttons = keyboard(start[0])
    assert len(buttons) == 10
    assert buttons[0]["text"] == "✓ नेपाली"  # preselected from the phone's language
    assert {"English", "español", "العربية", "বাংলা"} <= {b["text"] for b in buttons}
    assert share(start[0]["text"], DEVANAGARI) > 0.5  # welcome in Nepali

    greeting = bridge.press(user_id, buttons[0]["callback_data"], lang="ne")
    assert share(greeting[0]["text"], DEVANAGARI) > 0.5
    assert any(n["callback_query_id"] for n in _answered(bridge))

    answer = bridge.say(user_id, "विदेशमा काम गरेको वर्षहरू नेपालको पेन्सनमा जोडिन्छ?", lang="ne")
    assert share(answer[-1]["text"], DEVANAGARI) > 0.5
    related = keyboard(answer[-1])
    assert related, "an answer offers related topics as buttons"
    follow = bridge.press(user_id, related[0]["callback_data"], lang="ne")
    assert share(follow[-1]["text"], DEVANAGARI) > 0.5
    assert tracker_events(assistant, pseudonym(user_id, KEY.encode())) > 0


def _answered(bridge: Bridge) -> list[dict[str, Any]]:
    return [p for name, p in bridge.api.calls if name == "answerCallbackQuery"]


def test_a_nepali_user_starts_chooses_nepali_asks_and_presses_a_button(
    bridge: Bridge, assistant: Assistant
) -> None:
    nepali_journey(bridge, assistant)


def test_an_arabic_user_reads_answers_right_to_left(bridge: Bridge) -> None:
    user_id = new_user()
    start = bridge.say(user_id, "/start", lang="ar")
    arabic = next(b for b in keyboard(start[0]) if "العربية" in b["text"])
    bridge.press(user_id, arabic["callback_data"], lang="ar")
    answer = bridge.say(user_id, "كفيلي ما دفع راتبي من شهرين، وين اشتكي؟", lang="ar")
    text = answer[-1]["text"]
    assert share(text, ARABIC) > 0.5
    lines = [line for line in text.split("\n") if line]
    assert all(line.startswith(RLM) for line in lines)
    follow = bridge.press(user_id, keyboard(answer[-1])[0]["callback_data"], lang="ar")
    assert share(follow[-1]["text"], ARABIC) > 0.5


def test_every_message_is_text_for_people_with_buttons_that_fit(bridge: Bridge) -> None:
    user_id = new_user()
    replies = bridge.say(user_id, "hello")
    replies += bridge.say(user_id, "can my pension be paid abroad when I go home?")
    for message in replies:
        assert message["parse_mode"] == "HTML"
        assert not message["text"].lstrip().startswith(("{", "["))
        assert '"custom"' not in message["text"] and "recipient_id" not in message["text"]
        assert 0 < len(message["text"]) <= 4096
        for button in keyboard(message):
            assert len(button["callback_data"].encode()) <= 64


def test_a_duplicated_update_is_answered_once_even_across_a_restart(
    assistant: Assistant,
) -> None:
    user_id = new_user()
    update = message_update(user_id, "hello")
    with run_bridge(assistant, "restart-1") as first:
        update["update_id"] = first.api.next_update_id()
        assert first.deliver(update, user_id)
        # Telegram delivers it again (a retry), then a new message: only the new one is answered.
        mark = first.api.mark()
        first.api.push(update, redeliver=True)
        first.api.push(message_update(user_id, "thank you"))
        replies = first.replies(user_id, mark)
        assert len(replies) == 1
    with run_bridge(assistant, "restart-2") as second:
        mark = second.api.mark()
        second.api.push(update, redeliver=True)  # redelivered to the restarted bridge
        second.api.push(message_update(user_id, "thank you"))
        replies = second.replies(user_id, mark)
        assert len(replies) == 1


@pytest.mark.parametrize(
    "part",
    [
        {"voice": {"file_id": "v1", "file_unique_id": "u1", "duration": 4}},
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u2",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p1", "file_unique_id": "u3", "width": 90, "height": 90}]},
        {"document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "contract.pdf"}},
        {"location": {"latitude": 25.2854, "longitude": 51.531}},
    ],
    ids=["voice", "sticker", "photo", "document", "location"],
)
def test_what_is_not_text_gets_a_kind_answer_in_the_users_language(
    bridge: Bridge, part: dict[str, Any]
) -> None:
    user_id = new_user()
    replies = bridge.say(user_id, lang="es", **part)
    assert len(replies) == 1
    assert "texto" in replies[0]["text"].lower()  # Spanish: "I can only read text"
    assert bridge.alive()
    if "location" in part:
        assert "25.2854" not in bridge.log.read_text(errors="replace")


def test_an_edited_message_is_not_silently_ignored(bridge: Bridge) -> None:
    user_id = new_user()
    update = {"edited_message": message_update(user_id, "edited text")["message"]}
    update["edited_message"]["edit_date"] = int(time.time())
    assert len(bridge.deliver(update, user_id)) == 1


def test_a_ten_thousand_character_message_is_cut_and_answered(bridge: Bridge) -> None:
    user_id = new_user()
    long_text = "My employer did not pay my wages for three months. " * 200
    assert len(long_text) >= 10_000
    replies = bridge.say(user_id, long_text[:10_000])
    assert "long" in replies[0]["text"]  # says it read only the beginning
    assert len(replies) >= 2  # and still answers
    assert bridge.alive()


def test_a_button_the_bridge_never_sent_gets_a_polite_answer(bridge: Bridge) -> None:
    user_id = new_user()
    replies = bridge.press(user_id, "b:unknown-key")
    assert len(replies) == 1 and "button" in replies[0]["text"]


def test_an_unknown_command_gets_the_help(bridge: Bridge) -> None:
    user_id = new_user()
    replies = bridge.say(user_id, "/whatever")
    assert "/menu" in replies[0]["text"]


def test_delete_erases_the_conversation_after_confirmation(
    bridge: Bridge, assistant: Assistant
) -> None:
    user_id = new_user()
    sender = pseudonym(user_id, KEY.encode())
    bridge.say(user_id, "how do I register for social security in Malaysia?")
    assert tracker_events(assistant, sender) > 0
    confirm = bridge.say(user_id, "/delete")
    choices = {b["text"]: b["callback_data"] for b in keyboard(confirm[0])}
    assert len(choices) == 2
    keep = bridge.press(user_id, choices["No, keep it"])
    assert keep and tracker_events(assistant, sender) > 0
    erased = bridge.press(user_id, choices["Yes, erase everything"])
    assert "erased" in erased[0]["text"]
    assert tracker_events(assistant, sender) == 0


def test_no_telegram_id_and_no_message_text_is_stored_or_logged(
    bridge: Bridge, assistant: Assistant
) -> None:
    user_id = new_user()
    canary = "Canarywords Kathmandu Plumber"
    bridge.say(user_id, f"I am {canary} and my employer kept my passport, what can I do?")
    files = [bridge.log, Path(assistant.env["TRACKER_DB"])]
    files.append(Path(assistant.database_url.removeprefix("sqlite:///")))
    for path in files:
        for part in (path, *path.parent.glob(path.name + "-wal")):
            data = part.read_bytes()
            assert str(user_id).encode() not in data, part
            assert canary.encode() not in data, part
    assert canary not in bridge.log.read_text(errors="replace")
    assert TOKEN.split(":")[1] not in bridge.log.read_text(errors="replace")


def test_messages_over_the_rate_limit_get_one_polite_answer(assistant: Assistant) -> None:
    with run_bridge(assistant, "rate", TELEGRAM_RATE_LIMIT="3") as limited:
        user_id = new_user()
        for _ in range(3):
            assert limited.say(user_id, "thanks")
        mark = limited.api.mark()
        for _ in range(3):
            limited.api.push(message_update(user_id, "thanks"))
        replies = limited.replies(user_id, mark, quiet=2.5)
        assert len(replies) == 1 and "fast" in replies[0]["text"]


def test_when_rasa_is_down_the_user_gets_an_apology_and_the_bridge_lives(
    assistant: Assistant,
) -> None:
    with run_bridge(
        assistant, "rasa-down", RASA_URL="http://127.0.0.1:9/webhooks/rest/webhook"
    ) as down:
        user_id = new_user()
        replies = down.say(user_id, "hola, necesito ayuda con mi pensión", lang="es")
        assert len(replies) == 1 and "Lo siento" in replies[0]["text"]
        # Malformed updates do not stop it either, and their text is not logged.
        down.api.push({"message": {"text": "Malformedcanary words", "chat": {"id": user_id}}})
        down.api.push({"callback_query": {"id": "x"}})
        again = down.say(user_id, "hola", lang="es")
        assert len(again) == 1 and "Lo siento" in again[0]["text"]
        assert down.alive()
        assert "Malformedcanary" not in down.log.read_text(errors="replace")


def post_update(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram", data=json.dumps(update).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}")


def test_webhook_mode_checks_the_secret_token(assistant: Assistant) -> None:
    secret = "s3cret-token-of-the-test_0123456789"
    port = 18443
    with run_bridge(
        assistant,
        "webhook",
        TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram",
        TELEGRAM_WEBHOOK_SECRET=secret,
        TELEGRAM_WEBHOOK_PORT=str(port),
    ) as hooked:
        registered = hooked.api.wait_for("setWebhook")
        wait_until_listening(port)
        assert registered["secret_token"] == secret
        assert registered["url"] == "https://bot.example.org/telegram"
        user_id = new_user()
        mark = hooked.api.mark()
        for wrong in (None, "not-the-secret-token-at-all"):
            update = {"update_id": hooked.api.next_update_id(), **message_update(user_id, "hi")}
            assert post_update(port, update, wrong) == 403
        time.sleep(2)
        assert hooked.api.sent(user_id, after=mark) == []
        update = {"update_id": hooked.api.next_update_id(), **message_update(user_id, "hello")}
        assert post_update(port, update, secret) == 200
        assert hooked.replies(user_id, mark)
        malformed = {"update_id": hooked.api.next_update_id(), "message": {"text": "Hookcanary"}}
        assert post_update(port, malformed, secret) == 400
        assert hooked.alive() and "Hookcanary" not in hooked.log.read_text(errors="replace")
