"""Emergencies win, follow-ups stay in context, unsure readings offer likely topics."""

from __future__ import annotations

import pytest

from bot.understanding import did_you_mean, is_emergency, looks_like_followup, resolve_followup


def ranking(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


@pytest.mark.parametrize(
    "text",
    [
        "my boss beats me and has not paid my salary",
        "They LOCKED me in the house",
        "i want to kill myself",
        "Estoy bien pero my sponsor won't let me leave",
    ],
)
def test_danger_phrases_are_emergencies_whatever_the_intent(text: str) -> None:
    assert is_emergency(text, ranking(("complaint_unpaid", 0.9)))


def test_a_likely_emergency_intent_counts_even_when_not_first() -> None:
    r = ranking(("complaint_unpaid", 0.6), ("help_emergency", 0.35))
    assert is_emergency("they took everything from me", r)
    assert not is_emergency("they took everything from me", ranking(("complaint_unpaid", 0.9)))


def test_ordinary_injury_is_not_an_emergency_phrase() -> None:
    assert not is_emergency("a brick hit my foot last year, who pays", ranking())


def test_followups_are_short_and_open_like_a_continuation() -> None:
    assert looks_like_followup("and if I go back home?", 8)
    assert looks_like_followup("What about my wife?", 8)
    assert not looks_like_followup("how many years do I need for a pension", 8)
    assert not looks_like_followup("and " + "word " * 10, 8)


def test_followup_takes_a_related_topic_ranked_close_behind() -> None:
    r = ranking(("predeparture_checklist", 0.4), ("rights_portability", 0.3))
    got = resolve_followup(
        ranking=r, last_topic="rights.old_age_pension", related=["rights.portability"]
    )
    assert got == "rights.portability"


def test_followup_keeps_a_clear_reading_and_never_repeats_the_last_topic() -> None:
    clear = ranking(("complaint_procedure", 0.95), ("rights_portability", 0.03))
    assert (
        resolve_followup(
            ranking=clear, last_topic="rights.old_age_pension", related=["rights.portability"]
        )
        is None
    )
    same = ranking(("rights_old_age_pension", 0.5), ("chat_thanks", 0.2))
    assert (
        resolve_followup(
            ranking=same, last_topic="rights.old_age_pension", related=["rights.old_age_pension"]
        )
        is None
    )


def test_did_you_mean_offers_two_or_three_topics_never_small_talk() -> None:
    r = ranking(
        ("nlu_fallback", 0.45),
        ("chat_greet", 0.3),
        ("rights_portability", 0.2),
        ("rights_totalization", 0.15),
        ("rights_agreements", 0.1),
        ("complaint_appeal", 0.01),
    )
    assert did_you_mean(r) == ["rights.portability", "rights.totalization", "rights.agreements"]
    weak = ranking(("rights_portability", 0.9), ("rights_totalization", 0.01))
    assert did_you_mean(weak) == ["rights.portability", "rights.totalization"]
