"""The custom NLU components' plain parts: folding spellings together."""

from __future__ import annotations

import pytest

from bot.nlu_components import fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Pensión", "pension"),
        ("SÉCURITÉ", "securite"),
        ("إقامة", "اقامه"),
        ("مستشفى", "مستشفي"),
        ("السَّلامُ", "السلام"),
    ],
)
def test_spelling_variants_fold_to_one_form(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_vowel_signs_of_indic_scripts_are_kept() -> None:
    # Dropping them would merge different words ("पेन्सन" is not "पनसन").
    assert fold("पेन्सन") == "पेन्सन"
    assert fold("পেনশন") == "পেনশন"
