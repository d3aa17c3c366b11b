"""Interface strings (buttons, menus, notices) through gettext catalogs handled with Babel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang``; English source strings when there is none."""
    return Translations.load(str(LOCALES_DIR), [lang], domain=DOMAIN)


def N_(message: str) -> str:
    """Mark a string for the catalogs where it is defined; it is translated where it is used."""
    return message


def gettext_for(lang: str):  # noqa: ANN201 - returns the catalog's bound gettext
    """Return ``_`` for one language: ``_("Next step")``."""
    return translations(lang).gettext


def ui_language(langs: list[str], source_lang: str = "en") -> str:
    """The first of ``langs`` whose interface strings exist: a compiled catalog, or the source."""
    for lang in langs:
        if lang == source_lang or isinstance(translations(lang), Translations):
            return lang
    return source_lang
