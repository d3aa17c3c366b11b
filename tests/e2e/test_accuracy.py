"""Held-out English questions, written apart from the training data, through the REST channel.

The bar (90% on the right topic) is the issue's, not one tuned to this model. The per-topic
report goes to var/results/heldout_en.txt and is printed with `pytest -s`.
"""

from __future__ import annotations

import collections
import uuid

import yaml

from bot.settings import ROOT
from tests.e2e.conftest import Assistant, topics

HELDOUT = ROOT / "tests" / "data" / "heldout_en.yml"
REPORT = ROOT / "var" / "results" / "heldout_en.txt"
BAR = 0.90


def answered_topic(replies: list[dict]) -> str | None:
    """The topic the reply answers: the last one, after any emergency guidance put first."""
    answered = topics(replies)
    return answered[-1] if answered else None


def test_heldout_english_questions_land_on_the_right_topic(assistant: Assistant) -> None:
    questions = yaml.safe_load(HELDOUT.read_text())["questions"]
    per_topic: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    confusions: collections.Counter = collections.Counter()
    for q in questions:
        replies = assistant.ask(q["text"], sender=uuid.uuid4().hex)
        got = answered_topic(replies)
        if got is None and any(r.get("custom", {}).get("kind") == "did_you_mean" for r in replies):
            got = "(did you mean)"
        contract_ok = all(
            r["custom"].get("lang") == "en" for r in replies if "topic" in r.get("custom", {})
        )
        per_topic[q["topic"]]["total"] += 1
        per_topic[q["topic"]]["right"] += got == q["topic"] and contract_ok
        if got != q["topic"]:
            confusions[(q["topic"], got)] += 1
    right = sum(c["right"] for c in per_topic.values())
    accuracy = right / len(questions)
    lines = [f"held-out English: {right}/{len(questions)} right = {accuracy:.1%} (bar {BAR:.0%})"]
    lines += [
        f"  {topic:34} {c['right']:3}/{c['total']:<3}" for topic, c in sorted(per_topic.items())
    ]
    lines.append("worst confusions (expected -> answered):")
    lines += [f"  {n:3}  {a} -> {b}" for (a, b), n in confusions.most_common(12)]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    assert accuracy >= BAR, "\n".join(lines)
