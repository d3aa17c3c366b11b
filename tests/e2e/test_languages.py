"""The worker's language through the REST channel: detected, hinted, chosen, and kept."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from typing import Any

from bot.answers import RLM
from bot.settings import ROOT
from tests.e2e.conftest import Assistant, topics


def answers(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contract objects of the topic answers in ``replies``."""
    return [r["custom"] for r in replies if "topic" in r.get("custom", {})]


def replies_with_lang(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every contract object that says its language: answers, "did you mean", menus."""
    return [r["custom"] for r in replies if "lang" in r.get("custom", {})]


def text_before(replies: list[dict[str, Any]], custom: dict[str, Any]) -> str:
    """The text message sent right before a contract object: the answer's own text."""
    index = next(i for i, r in enumerate(replies) if r.get("custom") is custom)
    return replies[index - 1]["text"]


def test_romanised_nepali_without_a_hint_is_answered_in_nepali(assistant: Assistant) -> None:
    replies = assistant.ask(
        "malai nepal farkepachi pension paucha ki nai? qatar ma 8 barsa kaam gare"
    )
    assert [a["lang"] for a in answers(replies)] == ["ne"]


def test_devanagari_hindi_and_bengali_are_told_apart(assistant: Assistant) -> None:
    hindi = assistant.ask("मेरे मालिक ने तीन महीने से तनख्वाह नहीं दी, मैं क्या करूँ?")
    bengali = assistant.ask("আমার মালিক তিন মাস ধরে বেতন দেয়নি, আমি কী করব?")
    assert [a["lang"] for a in answers(hindi)] == ["hi"]
    assert [a["lang"] for a in answers(bengali)] == ["bn"]


def test_arabic_reads_right_to_left(assistant: Assistant) -> None:
    replies = assistant.ask("كفيلي ما دفع راتبي من شهرين، وين اشتكي؟")
    custom = replies_with_lang(replies)[0]
    assert custom["lang"] == "ar" and custom["dir"] == "rtl"
    lines = [line for line in text_before(replies, custom).split("\n") if line]
    assert lines and all(line.startswith(RLM) for line in lines)


def test_the_language_sticks_through_a_short_english_word(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    first = assistant.ask(
        "dai, malai visa sakiyo, aba mero talab ko paisa paucha ki nai?", sender=sender
    )
    assert [a["lang"] for a in answers(first)] == ["ne"]
    second = assistant.ask("pension?", sender=sender)
    assert {c["lang"] for c in replies_with_lang(second)} == {"ne"}


def test_a_chosen_language_wins_over_the_hint_and_the_text(assistant: Assistant) -> None:
    sender = uuid.uuid4().hex
    menu = assistant.ask("which languages do you speak?", sender=sender)
    assert topics(menu) == ["chat.language"]
    buttons = next(r["buttons"] for r in menu if r.get("buttons"))
    titles = {b["title"] for b in buttons}
    assert {"नेपाली", "العربية", "español", "Filipino", "বাংলা"} <= titles
    spanish = next(b["payload"] for b in buttons if b["title"] == "español")
    greeting = assistant.ask(spanish, sender=sender)
    assert [(a["topic"], a["lang"]) for a in answers(greeting)] == [("chat.greet", "es")]
    later = assistant.ask(
        "my employer did not pay my wages for two months", sender=sender, metadata={"lang": "fr"}
    )
    assert [a["lang"] for a in answers(later)] == ["es"]


def test_a_regional_hint_is_negotiated(assistant: Assistant) -> None:
    replies = assistant.ask("/rights_portability", metadata={"lang": "pt-BR"})
    assert [a["lang"] for a in answers(replies)] == ["pt"]


def test_an_unsupported_language_gets_english_and_the_language_menu(assistant: Assistant) -> None:
    replies = assistant.ask("Мой работодатель не платит мне зарплату уже два месяца")
    assert {a["lang"] for a in answers(replies)} <= {"en"}
    menu = [r for r in replies if r.get("custom", {}).get("kind") == "language_menu"]
    assert menu, replies
    assert (
        len(
            next(
                r["buttons"]
                for r in replies
                if r.get("buttons") and "language" in r["buttons"][0]["payload"]
            )
        )
        == 10
    )


def test_a_missing_translation_falls_back_to_english_and_says_so(assistant: Assistant) -> None:
    removed = assistant.content_dir / "ne" / "privacy.yml"
    kept = removed.with_suffix(".bak")
    shutil.move(removed, kept)
    publish = [sys.executable, "-m", "bot.content", "publish"]
    env = {**assistant.env, "PATH": ""}
    try:
        subprocess.run(publish, cwd=ROOT, env=env, check=True, capture_output=True)
        replies = assistant.ask("/privacy_policy", metadata={"lang": "ne"})
        (custom,) = answers(replies)
        assert custom["lang"] == "en" and custom["requested_lang"] == "ne"
        assert "नेपाली" in text_before(replies, custom)
    finally:
        shutil.move(kept, removed)
        subprocess.run(publish, cwd=ROOT, env=env, check=True, capture_output=True)


def test_an_emergency_in_nepali_comes_first_and_in_nepali(assistant: Assistant) -> None:
    replies = assistant.ask("sahuji le malai kutcha ra passport lukayo, talab pani dindaina")
    first = answers(replies)[0]
    assert (first["topic"], first["lang"]) == ("help.emergency", "ne")
