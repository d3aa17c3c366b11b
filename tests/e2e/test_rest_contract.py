"""The answer contract through the REST channel, on a real Rasa server and action server."""

from __future__ import annotations

import json
import uuid

import pytest

from bot.topics import load_topics
from tests.e2e.conftest import Assistant, topics


@pytest.mark.parametrize("topic", [t for t in load_topics()], ids=lambda t: t.id)
def test_every_topic_answer_carries_topic_and_lang(assistant: Assistant, topic) -> None:
    replies = assistant.ask("/" + topic.intent)
    answer = [r for r in replies if r.get("custom", {}).get("topic") == topic.id]
    assert answer, replies
    assert answer[0]["custom"]["lang"] == "en"
    # The text of the answer is the message right before its custom object.
    index = replies.index(answer[0])
    assert index > 0 and replies[index - 1]["text"].strip()


def test_greeting_shows_the_four_areas_and_an_area_opens(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    greeting = assistant.ask("hello", sender=sender)
    assert topics(greeting) == ["chat.greet"]
    buttons = next(r["buttons"] for r in greeting if r.get("buttons"))
    assert len(buttons) == 4
    opened = assistant.ask(buttons[1]["payload"], sender=sender)
    payloads = [b["payload"] for r in opened for b in r.get("buttons", [])]
    assert "/predeparture_checklist" in payloads


def test_an_emergency_is_answered_first_whatever_else_is_asked(assistant: Assistant) -> None:
    replies = assistant.ask("my employer beats me and has not paid my salary for 3 months")
    assert topics(replies)[0] == "help.emergency"


def test_countries_are_resolved_to_iso_codes_and_remembered(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.ask(
        "I am from Nepal and work in Qatar, will my years there count with my years at home?",
        sender=sender,
    )
    custom = next(r["custom"] for r in first if "topic" in r.get("custom", {}))
    assert set(custom["countries"]) >= {"NP", "QA"}
    later = assistant.ask("how do i check my contributions are paid", sender=sender)
    custom = next(r["custom"] for r in later if "topic" in r.get("custom", {}))
    assert custom["countries"][:2] == ["NP", "QA"]


def test_a_followup_right_after_an_answer_stays_in_context(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.ask("How many years do I need to work to get a pension here?", sender=sender)
    assert topics(first) == ["rights.old_age_pension"]
    followup = assistant.ask("and if I go back home?", sender=sender)
    assert topics(followup) == ["rights.portability"]


@pytest.mark.parametrize(
    "message",
    ["", "   ", "x" * 10_000, "\u0000\u0001\ufffd", "😀😀😀", "' OR 1=1; --", "/not_an_intent"],
    ids=["empty", "blank", "10k", "control", "emoji", "sql", "bad-payload"],
)
def test_bad_input_gets_an_answer_not_a_crash(assistant: Assistant, message: str) -> None:
    status, replies = assistant.post(
        json.dumps({"sender": uuid.uuid4().hex, "message": message}).encode()
    )
    assert status == 200
    assert isinstance(replies, list)
    assert all("Traceback" not in (r.get("text") or "") for r in replies)
    assert assistant.ask("/chat_greet")  # still alive


def test_malformed_request_is_refused_cleanly(assistant: Assistant) -> None:
    status, _ = assistant.post(b"{not json")
    assert status == 400
    assert assistant.ask("/chat_greet")


def test_message_text_never_reaches_the_logs(assistant: Assistant) -> None:
    canary = "Canary" + uuid.uuid4().hex[:10]
    assistant.ask(f"my name is {canary} and my employer did not pay me")
    for log in assistant.log_dir.glob("*.log"):
        assert canary not in log.read_text(errors="replace"), log.name
