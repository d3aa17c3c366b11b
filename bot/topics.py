"""The topic contract: stable topic ids, the Rasa intent of each, and the four menu areas."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CONTRACT_FILE = Path(__file__).resolve().parent.parent / "contract" / "topics.yml"

# The menu groups topics by the stage of the journey they belong to; the prefix of the id decides.
AREAS: dict[str, tuple[str, ...]] = {
    "rights": ("rights.",),
    "predeparture": ("predeparture.",),
    "registration": ("registration.",),
    "complaints": ("complaint.",),
}


@dataclass(frozen=True)
class Topic:
    """One topic of the contract."""

    id: str
    title: str

    @property
    def intent(self) -> str:
        """The Rasa intent name: intents are snake_case, topic ids use dots."""
        return intent_for(self.id)

    @property
    def area(self) -> str | None:
        """The menu area the topic belongs to, if any."""
        return next(
            (area for area, prefixes in AREAS.items() if self.id.startswith(prefixes)), None
        )


def intent_for(topic_id: str) -> str:
    """Return the intent name of a topic id (``rights.portability`` -> ``rights_portability``)."""
    return topic_id.replace(".", "_")


@cache
def load_topics(path: Path = CONTRACT_FILE) -> tuple[Topic, ...]:
    """Read the topic contract, in its order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Topic(id=t["id"], title=t["title"]) for t in data["topics"])


@cache
def topic_by_intent() -> dict[str, Topic]:
    """Map every topic intent name to its topic."""
    return {t.intent: t for t in load_topics()}


def topic_ids() -> tuple[str, ...]:
    """All topic ids, in contract order."""
    return tuple(t.id for t in load_topics())


def topics_in_area(area: str) -> tuple[Topic, ...]:
    """The topics listed under one menu area."""
    return tuple(t for t in load_topics() if t.area == area)
