"""Which language to answer in: the user's choice, then the channel's hint, then detection;
sticky once a conversation has one. Names and directions of languages come from CLDR (Babel)."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from bot.langid import Detection

# ISO 639-1 has no code for Filipino: "tl" (Tagalog) serves, while CLDR and phones say "fil".
ALIASES = {"fil": "tl"}
# CLDR holds the names and data of Tagalog under Filipino.
CLDR_LOCALE = {"tl": "fil"}


def cldr_locale(lang: str) -> str:
    """The CLDR locale holding ``lang``'s names, dates and catalog conventions."""
    return CLDR_LOCALE.get(lang, lang)


def text_direction(lang: str) -> str:
    """``rtl`` or ``ltr``, from CLDR."""
    try:
        return str(Locale.parse(cldr_locale(lang)).text_direction)
    except (UnknownLocaleError, ValueError):
        return "ltr"


def negotiate(wanted: str | None, available: list[str]) -> str | None:
    """Match a language tag such as ``pt-BR`` or ``pt_BR`` to an available language (``pt``)."""
    if not wanted:
        return None
    tag = wanted.strip().replace("-", "_")
    base = tag.split("_")[0].lower()
    base = ALIASES.get(base, base)
    if base in available:
        return base
    try:
        language = Locale.parse(tag).language
    except (UnknownLocaleError, ValueError):
        return None
    match = Locale.negotiate([tag, language], available)
    return str(match) if match else None


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The CLDR name of ``lang`` in ``in_lang`` (its own name by default)."""
    try:
        locale = Locale.parse(cldr_locale(lang))
        target = Locale.parse(cldr_locale(in_lang)) if in_lang else locale
        return locale.get_display_name(target) or lang
    except (UnknownLocaleError, ValueError):
        return lang


# A detection changes the conversation's language only when it is this sure...
SWITCH_PROBABILITY = 0.8
# ...and the message has at least this many words (or is in a script of its own): one English
# word from a Nepali speaker ("pension?") does not switch the conversation.
SWITCH_MIN_WORDS = 3
# Overriding a channel's hint (a phone set to English, a Nepali message) needs more evidence.
OVERRIDE_HINT_PROBABILITY = 0.9
OVERRIDE_HINT_MIN_WORDS = 4
# With nothing else to go on, a detection this likely is still better than the default.
FIRST_GUESS_PROBABILITY = 0.5


@dataclass(frozen=True)
class Choice:
    """The language to answer in, why, and whether to offer the language menu."""

    lang: str
    reason: str  # chosen | hint | detected | kept | default
    offer_menu: bool = False


def choose_language(
    *,
    chosen: str | None,
    active: str | None,
    hint: str | None,
    detection: Detection,
    available: list[str],
    default: str,
) -> Choice:
    """Decide the answer language: explicit choice, then the channel's hint, then detection.

    The result is sticky: the conversation keeps its language (``active``) until a message is
    clearly, and at length, in another one.
    """
    explicit = negotiate(chosen, available)
    if explicit:
        return Choice(explicit, "chosen")
    detected = detection.lang if detection.lang in available else None
    sure = bool(
        detected
        and detection.probability >= SWITCH_PROBABILITY
        and (detection.words >= SWITCH_MIN_WORDS or detection.script_is_distinctive)
    )
    kept = negotiate(active, available)
    if kept:
        switch = sure and detected and detected != kept
        return Choice(detected, "detected") if switch and detected else Choice(kept, "kept")
    hinted = negotiate(hint, available)
    if hinted:
        overrides = (
            detected != hinted
            and detection.probability >= OVERRIDE_HINT_PROBABILITY
            and detection.words >= OVERRIDE_HINT_MIN_WORDS
        )
        return Choice(detected, "detected") if overrides and detected else Choice(hinted, "hint")
    if detected and (sure or detection.probability >= FIRST_GUESS_PROBABILITY):
        return Choice(detected, "detected")
    # A hint or a script outside the supported languages: answer in the default and offer the menu.
    return Choice(default, "default", offer_menu=bool(hint) or detection.unsupported_script)
