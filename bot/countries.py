"""Country mentions in free text, resolved to ISO 3166 codes from CLDR names (Babel).

The same mechanism works in every language: CLDR has each country's name in each locale, and
``data/country_aliases.yml`` adds the short forms people type that CLDR does not list.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex as re
import yaml
from babel import Locale, UnknownLocaleError

# Word boundaries that count vowel signs (Devanagari "ा", Bengali "ে") as part of a word, which
# Python's \w does not: "र" must not match the start of "राम".
WORD_START = r"(?<![\w\p{M}])"
WORD_END = r"(?![\w\p{M}])"
ALIASES_FILE = Path(__file__).resolve().parent / "data" / "country_aliases.yml"
# CLDR territory codes that are not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})

# Words just before a country that tell its role. Checked against the end of the text before
# the mention, so "I am from Nepal" is origin and "working in Qatar" is work; a bare "in" or
# "from" says too little ("my pension from Spain") and leaves the role open.
ROLE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "origin": (
            r"(?:i am|i'm|im|we are|we're|am|come|came|coming|citizen) from",
            r"(?:go|going|went|come|coming|move|moving|get|getting) (?:back )?home to",
            r"(?:go|going|went|come|coming|move|moving|get|getting) back to",
            r"(?:return|returning|returned) (?:back )?(?:home )?to",
            r"(?:citizen|national|native) of",
            r"(?:my|our) (?:home )?country(?: is)?",
        ),
        "work": (
            r"(?:work|working|worked|job|employed|live|living|stay|staying|based|here) in",
            r"(?:i am|i'm|im|we are|we're) (?:now )?in",
            r"(?:go|going|leaving|leave|move|moving|travel|travelling|traveling|fly|flying)"
            r" (?:for|to)",
        ),
    },
}


@dataclass(frozen=True)
class CountryMention:
    """A country found in a text: where, which ISO code, and its role when the text says."""

    start: int
    end: int
    code: str
    role: str | None


def normalise(text: str) -> str:
    """Casefold and drop accents from Latin letters, keeping other scripts' vowel signs intact."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


@cache
def _names(langs: tuple[str, ...]) -> dict[str, str]:
    """Map every normalised country name known in ``langs`` (and English) to its ISO code."""
    names: dict[str, str] = {}
    for code_lang in dict.fromkeys(("en", *langs)):
        try:
            territories = Locale.parse(code_lang).territories
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
                names[normalise(name)] = code
    aliases = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    for key in ("any", *langs):
        for code, forms in (aliases.get(key) or {}).items():
            names.update({normalise(form): code for form in forms})
    for word in aliases.get("ignore") or []:
        names.pop(normalise(word), None)
    return names


# Case endings and postpositions written onto the name: Nepali "नेपालबाट" (from Nepal), "qatarma"
# (in Qatar), Bengali "আরবে" (in Arabia); Arabic prepositions and "and" written before it:
# "بقطر" (in Qatar), "والسعودية" (and Saudi Arabia).
ATTACHED_SUFFIXES = ("बाट", "मा", "को", "ले", "लाई", "देखि", "तिर", "ে", "তে", "এ", "র", "ের", "য়")
ATTACHED_SUFFIXES_LATIN = ("ma", "bata", "ko", "le", "lai", "te")
ATTACHED_PREFIXES = ("و", "ف", "ب", "ل", "وب", "ول", "فب")


@cache
def _pattern(langs: tuple[str, ...]) -> re.Pattern[str]:
    # Longest names first, so "Guinea-Bissau" wins over "Guinea".
    names = sorted(_names(langs), key=len, reverse=True)
    suffixes = "|".join(sorted(ATTACHED_SUFFIXES + ATTACHED_SUFFIXES_LATIN, key=len, reverse=True))
    prefixes = "|".join(sorted(ATTACHED_PREFIXES, key=len, reverse=True))
    return re.compile(
        r"(?<!\w)(?:"
        + prefixes
        + r")?("
        + "|".join(map(re.escape, names))
        + r")(?:"
        + suffixes
        + r")?(?!\w)"
    )


@cache
def _cue_patterns(langs: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    cues: dict[str, list[str]] = {}
    for lang in ("en", *langs):
        for role, patterns in ROLE_CUES.get(lang, {}).items():
            cues.setdefault(role, []).extend(p for p in patterns if p not in cues.get(role, []))
    return {role: re.compile(r"(?:^|\W)(?:" + "|".join(c) + r")\s*$") for role, c in cues.items()}


def find_countries(text: str, langs: tuple[str, ...] = ("en",)) -> list[CountryMention]:
    """Return the countries mentioned in ``text``, in order, with their role when it is clear.

    ``langs`` are the languages whose CLDR names are searched; English is always included.
    """
    normalised = normalise(text)
    names = _names(langs)
    mentions: list[CountryMention] = []
    for match in _pattern(langs).finditer(normalised):
        before = normalised[max(0, match.start() - 40) : match.start()]
        role = next((r for r, cue in _cue_patterns(langs).items() if cue.search(before)), None)
        mentions.append(CountryMention(match.start(), match.end(), names[match.group(1)], role))
    return mentions
