"""Which supported language a message is written in, including Romanised and code-mixed text.

A character n-gram classifier is fitted on the project's own NLU examples, labelled by their
folder (``data/nlu/<lang>/``): Romanised Nepali examples live in ``data/nlu/ne``, so "malai
pension paucha?" is Nepali. Detection is restricted to the supported languages by construction;
text written mostly in a script none of them uses (Cyrillic, Han, Thai...) is reported as
unsupported rather than forced onto the nearest language.
"""

from __future__ import annotations

import hashlib
import pickle
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.settings import ROOT

NLU_DIR = ROOT / "data" / "nlu"
CACHE_DIR = ROOT / "var" / "langid"
# Intents whose examples are deliberately multilingual, so they say nothing about a language.
MIXED_INTENTS = {"chat_out_of_scope"}
# Scripts the supported languages are written in (first word of the Unicode character name).
SUPPORTED_SCRIPTS = {"LATIN", "ARABIC", "DEVANAGARI", "BENGALI"}


@dataclass(frozen=True)
class Detection:
    """A detected language, its probability, and how many words it was judged on."""

    lang: str | None
    probability: float
    words: int
    unsupported_script: bool = False
    # Written in a script only one or two supported languages use (Arabic, Bengali, Devanagari).
    script_is_distinctive: bool = False


def examples_by_language(nlu_dir: Path = NLU_DIR) -> dict[str, list[str]]:
    """The training examples of each language folder, without the mixed-language intents."""
    found: dict[str, list[str]] = {}
    for folder in sorted(p for p in nlu_dir.iterdir() if p.is_dir()):
        texts = found.setdefault(folder.name, [])
        for path in sorted(folder.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in data.get("nlu") or []:
                if block.get("intent") in MIXED_INTENTS or "examples" not in block:
                    continue
                texts.extend(_example_lines(block["examples"]))
    return {lang: texts for lang, texts in found.items() if texts}


def _example_lines(block: str) -> list[str]:
    return [
        line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")
    ]


def _pipeline() -> Pipeline:
    # Character n-grams inside word boundaries carry spelling habits ("paucha", "nahi", "po");
    # word unigrams and bigrams separate close neighbours (Romanised Nepali and Hindi).
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=10, max_iter=2000))])


def _fingerprint(corpus: dict[str, list[str]]) -> str:
    digest = hashlib.sha256()
    for lang in sorted(corpus):
        digest.update(lang.encode())
        digest.update("\n".join(corpus[lang]).encode("utf-8"))
    return digest.hexdigest()[:16]


def train(corpus: dict[str, list[str]]) -> Pipeline:
    """Fit a classifier on ``{lang: [texts]}``."""
    texts = [_normalise(t) for lang in sorted(corpus) for t in corpus[lang]]
    labels = [lang for lang in sorted(corpus) for _ in corpus[lang]]
    return _pipeline().fit(texts, labels)


@cache
def model(nlu_dir: Path = NLU_DIR) -> Pipeline | str:
    """The classifier for the current training data, fitted once and cached under ``var/``;
    just the language's code while the training data has a single language."""
    corpus = examples_by_language(nlu_dir)
    if len(corpus) == 1:
        return next(iter(corpus))
    cached = CACHE_DIR / f"{_fingerprint(corpus)}.pickle"
    if cached.exists():
        # Written by this function only, inside the project's own var/ directory.
        return pickle.loads(cached.read_bytes())  # noqa: S301
    fitted = train(corpus)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".tmp")
    partial.write_bytes(pickle.dumps(fitted))
    partial.replace(cached)
    return fitted


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _scripts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return counts


def detect(text: str, classifier: Pipeline | str | None = None) -> Detection:
    """The likeliest supported language of ``text``, or ``None`` when there are no letters."""
    words = len(text.split())
    scripts = _scripts(text)
    letters = sum(scripts.values())
    if not letters:
        return Detection(None, 0.0, words)
    foreign = sum(n for script, n in scripts.items() if script not in SUPPORTED_SCRIPTS)
    if foreign > letters / 2:
        return Detection(None, 0.0, words, unsupported_script=True)
    pipeline = classifier or model()
    distinctive = max(scripts, key=lambda s: scripts[s]) != "LATIN"
    if isinstance(pipeline, str):
        return Detection(pipeline, 0.0, words, False, distinctive)  # no evidence either way
    probabilities = pipeline.predict_proba([_normalise(text)])[0]
    best = int(probabilities.argmax())
    return Detection(
        str(pipeline.classes_[best]), float(probabilities[best]), words, False, distinctive
    )
