"""Every topic is answered in every supported language, and each translation's state is known."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import content
from bot.coverage import add_catalog_coverage, content_coverage
from bot.i18n import LOCALES_DIR
from bot.settings import ROOT, get_settings
from tests.conftest import CONTENT_DIR

SETTINGS = get_settings()
TRANSLATIONS = [lang for lang in SETTINGS.supported_langs if lang != SETTINGS.default_lang]


@pytest.fixture(scope="module")
def report():  # noqa: ANN201 - {lang: LanguageCoverage}
    found = content_coverage(CONTENT_DIR, list(SETTINGS.supported_langs), SETTINGS.default_lang)
    add_catalog_coverage(found, LOCALES_DIR, SETTINGS.default_lang)
    return found


@pytest.mark.parametrize("lang", SETTINGS.supported_langs)
def test_every_topic_has_an_answer_in_every_supported_language(report, lang: str) -> None:  # noqa: ANN001
    assert report[lang].missing == []


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translations_are_marked_and_made_from_the_current_english(report, lang: str) -> None:  # noqa: ANN001
    entry = report[lang]
    assert set(entry.by_status) <= {"machine-drafted", "reviewed"}, entry.by_status
    assert entry.stale == []


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_interface_catalogs_are_complete_and_compile(lang: str, tmp_path: Path) -> None:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id and m.string}
    for message in catalog:
        if message.id:
            assert not message.fuzzy, message.id
            for placeholder in ("{sources}", "{date}", "{step}", "{language}", "{fallback}"):
                assert (placeholder in message.id) == (placeholder in message.string), message.id
    compiled = subprocess.run(
        [str(Path(ROOT / ".venv" / "bin" / "pybabel")), "compile", "-i", str(path)]
        + ["-o", str(tmp_path / "messages.mo")],
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr


def test_an_english_edit_makes_its_translations_stale_until_restamped(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    english = copy / "en" / "chat.yml"
    english.write_text(english.read_text().replace("You are welcome.", "You are most welcome."))
    langs = ["en", "es", "ar"]
    stale = content_coverage(copy, langs, "en")
    assert stale["es"].stale == ["chat.thanks"] and stale["ar"].stale == ["chat.thanks"]
    content.stamp(content_dir=copy, lang="es", topics={"chat.thanks"})
    after = content_coverage(copy, langs, "en")
    assert after["es"].stale == [] and after["ar"].stale == ["chat.thanks"]
    assert content.validate(content.load_files(copy)) == []
