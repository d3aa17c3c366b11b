"""The answer language: the user's choice, then the channel's hint, then detection; sticky."""

from __future__ import annotations

import pytest

from bot.langid import Detection
from bot.language import choose_language, language_name, negotiate, text_direction

AVAILABLE = ["en", "es", "pt", "ne", "hi", "ar", "tl"]


def _choose(**kwargs: object) -> tuple[str, str, bool]:
    arguments: dict = {
        "chosen": None,
        "active": None,
        "hint": None,
        "detection": Detection(None, 0.0, 0),
        "available": AVAILABLE,
        "default": "en",
        **kwargs,
    }
    choice = choose_language(**arguments)
    return choice.lang, choice.reason, choice.offer_menu


def test_regional_tags_negotiate_to_the_available_language() -> None:
    assert negotiate("pt-BR", ["en", "pt"]) == "pt"
    assert negotiate("pt_BR", ["en", "pt"]) == "pt"
    assert negotiate("NE", ["en", "ne"]) == "ne"
    assert negotiate("ne", ["en"]) is None
    assert negotiate("not a tag", ["en"]) is None


def test_filipino_and_tagalog_tags_both_reach_tl() -> None:
    assert negotiate("fil", AVAILABLE) == "tl"
    assert negotiate("fil-PH", AVAILABLE) == "tl"
    assert negotiate("tl", AVAILABLE) == "tl"


def test_an_explicit_choice_beats_hint_detection_and_the_conversation_language() -> None:
    nepali = Detection("ne", 0.99, 8)
    assert _choose(chosen="es", active="ne", hint="pt", detection=nepali) == ("es", "chosen", False)


def test_a_hint_is_used_when_the_message_says_little() -> None:
    assert _choose(hint="pt-BR", detection=Detection("en", 0.6, 2)) == ("pt", "hint", False)


def test_a_long_clear_message_overrides_a_hint() -> None:
    # A phone set to English, a worker writing a whole sentence in Nepali.
    assert _choose(hint="en", detection=Detection("ne", 0.95, 6)) == ("ne", "detected", False)


def test_detection_decides_without_a_hint() -> None:
    assert _choose(detection=Detection("ne", 0.7, 5)) == ("ne", "detected", False)


def test_one_english_word_does_not_switch_a_nepali_conversation() -> None:
    assert _choose(active="ne", detection=Detection("en", 0.97, 1)) == ("ne", "kept", False)
    assert _choose(active="ne", detection=Detection("en", 0.6, 6)) == ("ne", "kept", False)


def test_a_clear_message_in_another_language_switches() -> None:
    assert _choose(active="ne", detection=Detection("es", 0.93, 5)) == ("es", "detected", False)
    # One word in a script of its own is clear enough.
    arabic = Detection("ar", 0.9, 1, script_is_distinctive=True)
    assert _choose(active="en", detection=arabic) == ("ar", "detected", False)


def test_unsupported_languages_get_the_default_and_the_language_menu() -> None:
    cyrillic = Detection(None, 0.0, 3, unsupported_script=True)
    assert _choose(detection=cyrillic) == ("en", "default", True)
    assert _choose(hint="ru", detection=Detection("en", 0.3, 3)) == ("en", "default", True)


@pytest.mark.parametrize(
    ("lang", "own_name"), [("ne", "नेपाली"), ("ar", "العربية"), ("tl", "Filipino")]
)
def test_language_names_come_from_cldr_in_their_own_script(lang: str, own_name: str) -> None:
    assert language_name(lang) == own_name


def test_language_names_in_another_language_and_directions() -> None:
    assert language_name("ne", "en") == "Nepali"
    assert text_direction("ar") == "rtl"
    assert text_direction("ne") == "ltr"
