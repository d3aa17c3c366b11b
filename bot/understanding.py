"""Decisions on what a message asks, beyond the NLU's top intent: emergencies, follow-ups,
and the candidates to offer when the NLU is unsure. Plain functions, testable without Rasa."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import regex as re
import yaml

from bot.countries import WORD_END, WORD_START, normalise
from bot.topics import topic_by_intent

EMERGENCY_FILE = Path(__file__).resolve().parent / "data" / "emergency_terms.yml"
EMERGENCY_TOPIC = "help.emergency"
# An emergency intent this likely is taken seriously even when another intent ranks first.
EMERGENCY_MIN_CONFIDENCE = 0.3
# Openings of a short message that continues the previous answer ("and if I go back home?").
FOLLOWUP_FILE = Path(__file__).resolve().parent / "data" / "followup_cues.yml"
CANDIDATE_MIN_CONFIDENCE = 0.05
# A follow-up keeps the NLU's reading at or above this confidence; below it, a related topic
# ranked close behind (at least FOLLOWUP_MIN_CONFIDENCE) is taken instead.
FOLLOWUP_KEEP_CONFIDENCE = 0.7
FOLLOWUP_MIN_CONFIDENCE = 0.1


@cache
def _phrases(path: Path) -> re.Pattern[str]:
    # Every language's phrases, whatever the conversation's language: people mix languages,
    # and a danger phrase in any of them must not be missed.
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))
    phrases = {normalise(p) for values in terms.values() for p in values}
    alternatives = "|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))
    return re.compile(WORD_START + r"(?:" + alternatives + r")" + WORD_END)


@cache
def _followup_pattern() -> re.Pattern[str]:
    return re.compile(r"^\W*" + _phrases(FOLLOWUP_FILE).pattern)


def ranked_topics(ranking: Iterable[dict[str, Any]]) -> list[tuple[str, float]]:
    """Turn Rasa's intent ranking into (topic id, confidence), best first, topics only."""
    by_intent = topic_by_intent()
    return [
        (by_intent[r["name"]].id, float(r.get("confidence") or 0.0))
        for r in ranking
        if r.get("name") in by_intent
    ]


def is_emergency(text: str, ranking: Iterable[dict[str, Any]]) -> bool:
    """True when the message may describe danger: a listed phrase, or a likely emergency intent."""
    if _phrases(EMERGENCY_FILE).search(normalise(text)):
        return True
    return any(
        topic == EMERGENCY_TOPIC and confidence >= EMERGENCY_MIN_CONFIDENCE
        for topic, confidence in ranked_topics(ranking)
    )


def looks_like_followup(text: str, max_words: int) -> bool:
    """A short message that opens like a continuation ("and if ...", "what about ...")."""
    return len(text.split()) <= max_words and bool(_followup_pattern().search(normalise(text)))


def resolve_followup(
    *, ranking: Iterable[dict[str, Any]], last_topic: str, related: Iterable[str], top_n: int = 3
) -> str | None:
    """The likeliest of the top topics that continues ``last_topic``, if the NLU leaves room.

    A follow-up asks something new, so the last topic itself is not a candidate; and a clear
    reading of the message ("and how do I complain?") is not overridden by the context.
    """
    near = set(related) - {last_topic}
    ranked = ranked_topics(ranking)[:top_n]
    if not ranked or ranked[0][0] in near:
        return ranked[0][0] if ranked else None
    if ranked[0][1] >= FOLLOWUP_KEEP_CONFIDENCE:
        return None
    return next((t for t, c in ranked[1:] if t in near and c >= FOLLOWUP_MIN_CONFIDENCE), None)


def did_you_mean(ranking: Iterable[dict[str, Any]], limit: int = 3) -> list[str]:
    """The 2-3 likeliest answerable topics to offer when the NLU is unsure."""
    topics = [
        (topic, confidence)
        for topic, confidence in ranked_topics(ranking)
        if not topic.startswith("chat.")
    ]
    chosen = [t for t, c in topics[:limit] if c >= CANDIDATE_MIN_CONFIDENCE]
    # Always offer at least two choices when two exist, so the user can pick.
    return chosen if len(chosen) >= 2 else [t for t, _c in topics[:2]]
