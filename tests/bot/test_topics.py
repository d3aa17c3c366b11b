"""The topic contract is the same everywhere: contract copy, domain, rules and content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.settings import ROOT
from bot.topics import CONTRACT_FILE, load_topics, topic_ids

SHARED_CONTRACT = ROOT.parent / "shared" / "contract" / "topics.yml"


def test_contract_has_35_topics_with_unique_ids() -> None:
    ids = topic_ids()
    assert len(ids) == 35
    assert len(set(ids)) == len(ids)


@pytest.mark.skipif(not SHARED_CONTRACT.exists(), reason="no shared/ checkout beside the repo")
def test_contract_copy_matches_the_shared_contract() -> None:
    assert CONTRACT_FILE.read_text() == SHARED_CONTRACT.read_text()


def test_domain_declares_one_intent_per_topic() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(domain["intents"]) == {t.intent for t in load_topics()}


def test_every_topic_intent_has_a_rule_and_training_examples() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules" / "topics.yml").read_text())["rules"]
    ruled = {rule["steps"][0]["intent"] for rule in rules}
    examples: dict[str, int] = {}
    for path in Path(ROOT / "data" / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            lines = [x for x in block["examples"].splitlines() if x.strip().startswith("- ")]
            examples[block["intent"]] = examples.get(block["intent"], 0) + len(lines)
    for topic in load_topics():
        assert topic.intent in ruled, topic.id
        assert examples.get(topic.intent, 0) >= 25, f"{topic.id}: {examples.get(topic.intent)}"
