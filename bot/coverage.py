"""Translation coverage per language: missing, stale and unreviewed answers and interface strings.

Usage: ``python -m bot.coverage`` (``make coverage``). A report for staff, not a gate: tests
check the parts that must hold (every topic answered in every supported language).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from bot.content import fingerprint, load_files
from bot.i18n import LOCALES_DIR
from bot.settings import get_settings
from bot.topics import topic_ids

MACHINE_TRANSLATOR = "machine draft"


@dataclass
class LanguageCoverage:
    """What one language has, compared with the English source."""

    lang: str
    topics: int
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)
    strings: int = 0
    strings_translated: int = 0
    strings_machine_drafted: bool = False

    @property
    def present(self) -> int:
        """How many topics have an answer in this language."""
        return self.topics - len(self.missing)


def content_coverage(
    content_dir: Path, langs: list[str], source_lang: str
) -> dict[str, LanguageCoverage]:
    """Compare every language's answers with the source language's."""
    items = load_files(content_dir)
    topics = topic_ids()
    source = {i["topic"]: fingerprint(i) for i in items if i["lang"] == source_lang}
    report = {lang: LanguageCoverage(lang=lang, topics=len(topics)) for lang in langs}
    have: dict[str, set[str]] = {lang: set() for lang in langs}
    for item in items:
        entry = report.get(item["lang"])
        if entry is None:
            continue
        have[item["lang"]].add(item["topic"])
        entry.by_status[item["status"]] = entry.by_status.get(item["status"], 0) + 1
        if item["lang"] != source_lang and item.get("translated_from") != source.get(item["topic"]):
            entry.stale.append(item["topic"])
    for lang, entry in report.items():
        entry.missing = [t for t in topics if t not in have[lang]]
    return report


def add_catalog_coverage(
    report: dict[str, LanguageCoverage], locales_dir: Path, source_lang: str
) -> None:
    """Count the translated interface strings of each language's gettext catalog."""
    for lang, entry in report.items():
        path = locales_dir / lang / "LC_MESSAGES" / "messages.po"
        if lang == source_lang or not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        messages = [m for m in catalog if m.id]
        entry.strings = len(messages)
        entry.strings_translated = sum(1 for m in messages if m.string and not m.fuzzy)
        entry.strings_machine_drafted = MACHINE_TRANSLATOR in (catalog.last_translator or "")


def render(report: dict[str, LanguageCoverage], source_lang: str) -> str:
    """A plain-text table, then the stale and missing topics of each language."""
    lines = [
        "lang  answers  missing  stale  machine-drafted  draft  reviewed  strings",
    ]
    for lang, e in report.items():
        strings = "source" if lang == source_lang else f"{e.strings_translated}/{e.strings}"
        if e.strings_machine_drafted:
            strings += " (machine-drafted)"
        lines.append(
            f"{lang:<5} {e.present:>3}/{e.topics:<3} {len(e.missing):>7}  {len(e.stale):>5}  "
            f"{e.by_status.get('machine-drafted', 0):>15}  {e.by_status.get('draft', 0):>5}  "
            f"{e.by_status.get('reviewed', 0):>8}  {strings}"
        )
    for lang, e in report.items():
        if e.missing:
            lines.append(f"{lang} missing: {', '.join(e.missing)}")
        if e.stale:
            lines.append(f"{lang} stale (English changed since translation): {', '.join(e.stale)}")
    return "\n".join(lines)


def main() -> int:
    """Print the coverage report of the configured content and catalogs."""
    settings = get_settings()
    report = content_coverage(
        settings.content_dir, list(settings.supported_langs), settings.default_lang
    )
    add_catalog_coverage(report, LOCALES_DIR, settings.default_lang)
    print(render(report, settings.default_lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
