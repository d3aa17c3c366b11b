"""Country mentions resolve to ISO codes through CLDR names, in several languages."""

from __future__ import annotations

import pytest

from bot.countries import find_countries

LANGS = ("en", "es", "fr", "ar", "ne", "hi", "fil")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am from Nepal and work in Qatar", [("NP", "origin"), ("QA", "work")]),
        ("will spain pay me if i go back to Morocco", [("ES", None), ("MA", "origin")]),
        ("going to Malaysia next month", [("MY", "work")]),
        ("agreement between the Philippines and Canada?", [("PH", None), ("CA", None)]),
        ("im in dubai now", [("AE", "work")]),
        ("trabajo en España y soy de México", [("ES", None), ("MX", None)]),
        ("मेरो घर नेपाल हो", [("NP", None)]),
        ("أعمل في قطر", [("QA", None)]),
        ("Guinea-Bissau", [("GW", None)]),
        ("they told us nothing", []),
    ],
)
def test_find_countries(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.code, m.role) for m in find_countries(text, LANGS)] == expected


@pytest.mark.parametrize(
    "text", ["mali po yung sagot", "gana muy poco", "tenho ira", "oma saya sakit"]
)
def test_everyday_words_that_are_also_country_names_are_ignored(text: str) -> None:
    assert find_countries(text, ("es", "pt", "id", "fil")) == []


ALL = ("en", "es", "fr", "pt", "ar", "ne", "hi", "bn", "id", "fil")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("म नेपालबाट आएको हुँ, कतारमा काम गर्छु", ["NP", "QA"]),
        ("انا من مصر واشتغل بقطر", ["EG", "QA"]),
        ("trabajo en Malasia y soy de Bolivia", ["MY", "BO"]),
        ("আমি বাংলাদেশ থেকে সৌদি আরবে কাজ করি", ["BD", "SA"]),
        ("मैं भारत से हूँ और दुबई में काम करता हूँ", ["IN", "AE"]),
        ("malai nepal farkanu cha, qatarma chu", ["NP", "QA"]),
        ("je viens du Sénégal et je travaille en Espagne", ["SN", "ES"]),
        ("taga Pilipinas ako, nasa Saudi ngayon", ["PH", "SA"]),
    ],
)
def test_country_names_in_every_language_resolve_to_iso_codes(text: str, codes: list[str]) -> None:
    assert [m.code for m in find_countries(text, ALL)] == codes
