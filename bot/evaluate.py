"""`make evaluate`: train on an 80% split of the NLU data, test on the other 20% and on the
held-out questions written apart from it, and report per-topic precision/recall and the worst
confusions. A report, not a pass mark: it exits 0 whatever the numbers are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.settings import ROOT
from bot.topics import intent_for

OUT = ROOT / "var" / "evaluate"
RASA = str(Path(sys.executable).parent / "rasa")


def _rasa(*args: str) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run([RASA, *args], cwd=ROOT, env=env, check=True)


def heldout_as_nlu(target: Path) -> Path:
    """Write the held-out questions (tests/data) in Rasa's NLU format."""
    questions = yaml.safe_load((ROOT / "tests" / "data" / "heldout_en.yml").read_text())
    by_intent: dict[str, list[str]] = {}
    for q in questions["questions"]:
        by_intent.setdefault(intent_for(q["topic"]), []).append(q["text"])
    nlu = [
        {"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)}
        for intent, texts in by_intent.items()
    ]
    target.write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True))
    return target


def report(results: Path, title: str) -> str:
    """Per-intent precision/recall, sorted worst first, and the most frequent confusions."""
    intents = json.loads((results / "intent_report.json").read_text())
    errors = json.loads((results / "intent_errors.json").read_text())
    rows = sorted(
        (name, v)
        for name, v in intents.items()
        if isinstance(v, dict)
        and "support" in v
        and name not in ("macro avg", "weighted avg", "micro avg")
    )
    rows.sort(key=lambda r: r[1]["f1-score"])
    lines = [
        f"== {title}: accuracy {intents.get('accuracy', 0):.1%}, "
        f"macro F1 {intents['macro avg']['f1-score']:.3f}"
    ]
    lines.append(f"  {'intent':34} {'prec':>5} {'recall':>6} {'f1':>5} {'n':>4}")
    lines += [
        f"  {name:34} {v['precision']:5.2f} {v['recall']:6.2f} {v['f1-score']:5.2f} "
        f"{v['support']:4d}"
        for name, v in rows
    ]
    confusions = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    lines.append("  worst confusions (expected -> predicted):")
    lines += [f"    {n:3}  {a} -> {b}" for (a, b), n in confusions.most_common(10)]
    return "\n".join(lines)


def main() -> int:
    """Split, train, test twice, print and save the report."""
    split = OUT / "split"
    _rasa(
        "data",
        "split",
        "nlu",
        "--training-fraction",
        "0.8",
        "--random-seed",
        "42",
        "--out",
        str(split),
    )
    _rasa(
        "train",
        "nlu",
        "--nlu",
        str(split / "training_data.yml"),
        "--config",
        "config.yml",
        "--out",
        str(OUT / "models"),
        "--fixed-model-name",
        "split",
    )
    model = str(OUT / "models" / "split.tar.gz")
    _rasa(
        "test",
        "nlu",
        "--model",
        model,
        "--nlu",
        str(split / "test_data.yml"),
        "--out",
        str(OUT / "split-test"),
    )
    heldout = heldout_as_nlu(OUT / "heldout_nlu.yml")
    _rasa("test", "nlu", "--model", model, "--nlu", str(heldout), "--out", str(OUT / "heldout"))
    text = "\n\n".join(
        [
            report(OUT / "split-test", "20% split of the training data (same writers)"),
            report(OUT / "heldout", "held-out questions written apart from the training data"),
        ]
    )
    (OUT / "report.txt").write_text(text + "\n")
    print("\n" + text + f"\n\nSaved to {OUT / 'report.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
