"""`make evaluate`: per language, train on 80% of the NLU examples, test on the other 20% and on
the held-out questions written apart from them (tests/data/heldout_<lang>.yml); report per-topic
precision and recall, the worst confusions, and how often the language was detected right.

A report, not a pass mark: it exits 0 whatever the numbers are. The pass marks are in
tests/e2e/test_accuracy.py, measured through the REST channel.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml
from sklearn.metrics import classification_report

from bot import langid
from bot.settings import ROOT
from bot.topics import intent_for

OUT = ROOT / "var" / "evaluate"
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT_DIR = ROOT / "tests" / "data"
RASA = str(Path(sys.executable).parent / "rasa")
SEED = 42
TEST_FRACTION = 0.2
# FallbackClassifier's ambiguity_threshold in config.yml.
AMBIGUITY_GAP = 0.05


def read_examples(nlu_dir: Path = NLU_DIR) -> dict[str, list[tuple[str, str]]]:
    """``{lang: [(intent, text), ...]}`` from ``data/nlu/<lang>/*.yml``."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(nlu_dir.glob("*/*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in block:
                for line in block["examples"].splitlines():
                    if line.strip().startswith("- "):
                        found[path.parent.name].append((block["intent"], line.strip()[2:]))
    return dict(found)


def split(
    examples: dict[str, list[tuple[str, str]]],
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """Split every (language, intent) group 80/20 with a fixed seed."""
    rng = random.Random(SEED)
    train: dict[str, list[tuple[str, str]]] = defaultdict(list)
    test: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lang, pairs in examples.items():
        groups: dict[str, list[str]] = defaultdict(list)
        for intent, text in pairs:
            groups[intent].append(text)
        for intent, texts in sorted(groups.items()):
            texts = texts[:]
            rng.shuffle(texts)
            cut = max(1, round(len(texts) * TEST_FRACTION))
            test[lang] += [(intent, t) for t in texts[:cut]]
            train[lang] += [(intent, t) for t in texts[cut:]]
    return dict(train), dict(test)


def write_nlu(pairs: list[tuple[str, str]], target: Path) -> Path:
    """Write (intent, text) pairs as Rasa NLU training data."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for intent, text in pairs:
        by_intent[intent].append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {t}" for t in texts]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def read_heldout(heldout_dir: Path = HELDOUT_DIR) -> dict[str, list[tuple[str, str]]]:
    """``{lang: [(intent, text), ...]}`` from ``tests/data/heldout_<lang>.yml``."""
    found = {}
    for path in sorted(heldout_dir.glob("heldout_*.yml")):
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        lang = path.stem.removeprefix("heldout_")
        found[lang] = [(intent_for(q["topic"]), q["text"]) for q in questions]
    return found


async def _predict(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent  # slow to import: only when evaluating

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def _fallback_sweep(pairs: list[tuple[str, str]], parsed: list[dict[str, Any]]) -> list[str]:
    """What each fallback threshold would do on these examples: answered right, answered wrong,
    or asked "did you mean". Read on the split of the training data, never on held-out sets."""
    lines = ["fallback threshold on the 20% splits: right / wrong / asked"]
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        right = wrong = asked = 0
        for (intent, _), result in zip(pairs, parsed, strict=True):
            ranking = [r for r in result["intent_ranking"] if r["name"] != "nlu_fallback"]
            top = ranking[0]
            gap = top["confidence"] - (ranking[1]["confidence"] if len(ranking) > 1 else 0)
            if top["confidence"] < threshold or gap < AMBIGUITY_GAP:
                asked += 1
            elif top["name"] == intent:
                right += 1
            else:
                wrong += 1
        n = len(pairs)
        lines.append(f"  {threshold:4.2f}: {right / n:6.1%} / {wrong / n:6.1%} / {asked / n:6.1%}")
    return lines


def section(title: str, pairs: list[tuple[str, str]], predicted: list[str]) -> list[str]:
    """Accuracy, the worst intents by F1, and the most frequent confusions."""
    expected = [intent for intent, _ in pairs]
    right = sum(e == p for e, p in zip(expected, predicted, strict=True))
    lines = [f"== {title}: {right}/{len(pairs)} = {right / max(1, len(pairs)):.1%}"]
    scores: dict[str, Any] = classification_report(
        expected, predicted, output_dict=True, zero_division=0
    )
    rows = sorted(
        ((name, v) for name, v in scores.items() if isinstance(v, dict) and name in expected),
        key=lambda r: r[1]["f1-score"],
    )
    lines.append(f"  {'worst intents':34} {'prec':>5} {'recall':>6} {'f1':>5} {'n':>4}")
    lines += [
        f"  {n:34} {v['precision']:5.2f} {v['recall']:6.2f} {v['f1-score']:5.2f} "
        f"{int(v['support']):4d}"
        for n, v in rows[:8]
    ]
    confusions = Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    lines.append("  worst confusions (expected -> predicted):")
    lines += [f"    {n:3}  {a} -> {b}" for (a, b), n in confusions.most_common(6)]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Split, train, predict, print and save the report."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluate", description=__doc__)
    parser.add_argument("--config", default="config.yml", help="the NLU pipeline to evaluate")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    train, test = split(read_examples())
    write_nlu([p for pairs in train.values() for p in pairs], OUT / "train.yml")
    started = time.monotonic()
    subprocess.run(
        [RASA, "train", "nlu", "--nlu", str(OUT / "train.yml"), "--config", args.config]
        + ["--out", str(OUT / "models"), "--fixed-model-name", "split"],
        cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        check=True,
    )
    trained_in = time.monotonic() - started
    heldout = read_heldout()
    # Language detection fitted on the training split only, as intents are.
    detector = langid.train({lang: [t for _, t in pairs] for lang, pairs in train.items()})
    sets = [(f"{lang} 20% split", test[lang]) for lang in sorted(test)]
    sets += [(f"{lang} held-out", heldout[lang]) for lang in sorted(heldout)]
    texts = [t for _, pairs in sets for _, t in pairs]
    parsed = asyncio.run(_predict(OUT / "models" / "split.tar.gz", texts))
    predicted = [p["intent"]["name"] for p in parsed]
    split_pairs = [p for title, pairs in sets if "split" in title for p in pairs]
    lines = [
        f"{args.config}: NLU trained on {sum(map(len, train.values()))} examples"
        f" in {trained_in:.0f}s",
        "",
    ]
    summary = ["summary (topic accuracy, language detected right):"]
    for title, pairs in sets:
        mine, predicted = predicted[: len(pairs)], predicted[len(pairs) :]
        lang = title.split()[0]
        # Deliberately multilingual examples (out of scope) say nothing about detection.
        judged = [t for i, t in pairs if i not in langid.MIXED_INTENTS]
        detected = sum(langid.detect(t, detector).lang == lang for t in judged) / len(judged)
        right = sum(e == p for (e, _), p in zip(pairs, mine, strict=True))
        summary.append(
            f"  {title:18} topic {right / len(pairs):6.1%}   language {detected:6.1%}"
            f"   (n={len(pairs)})"
        )
        lines += section(title, pairs, mine) + [""]
    sweep = _fallback_sweep(split_pairs, parsed[: len(split_pairs)])
    text = "\n".join(summary + [""] + sweep + [""] + lines)
    (OUT / "report.txt").write_text(text + "\n", encoding="utf-8")
    print("\n" + text + f"\nSaved to {OUT / 'report.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
