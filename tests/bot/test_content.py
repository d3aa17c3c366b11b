"""The content store: every topic answered with source and date; bad content never published."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from bot import content
from bot.topics import topic_ids
from tests.conftest import CONTENT_DIR


def test_repository_content_is_valid_and_covers_every_topic_in_english() -> None:
    items = content.load_files(CONTENT_DIR)
    assert content.validate(items) == []
    english = {i["topic"]: i for i in items if i["lang"] == "en"}
    assert set(english) == set(topic_ids())
    for item in english.values():
        assert item["source"] and isinstance(item["reviewed_on"], date), item["topic"]


def _broken_copy(tmp_path: Path, **changes: object) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    path = target / "en" / "chat.yml"
    data = yaml.safe_load(path.read_text())
    data["items"][0].update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return target


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"source": []}, "`source`"),
        ({"topic": "rights.made_up"}, "unknown topic"),
        ({"body": "Call +974 4444 5555 now."}, "phone-like"),
        ({"body": "See https://example.org for more."}, "web address"),
        ({"reviewed_on": date.today() + timedelta(days=3)}, "future"),
        ({"status": "final"}, "`status`"),
        ({"related": ["chat.greet"]}, "`related`"),
        ({"title": "x" * 41}, "`title`"),
    ],
)
def test_invalid_content_is_refused_and_nothing_is_published(
    tmp_path: Path, published: str, changes: dict, expected: str
) -> None:
    before = content.get_answer(topic="chat.greet", langs=["en"], database_url=published)
    broken = _broken_copy(tmp_path, **changes)
    with pytest.raises(content.ContentError) as error:
        content.publish(content_dir=broken, database_url=published)
    assert any(expected in e for e in error.value.errors), error.value.errors
    assert content.get_answer(topic="chat.greet", langs=["en"], database_url=published) == before


def test_a_missing_english_answer_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    (target / "en" / "privacy.yml").unlink()
    errors = content.validate(content.load_files(target))
    assert "en: no answer for topic privacy.delete" in errors


def test_answer_falls_back_along_the_language_order(published: str) -> None:
    answer = content.get_answer(topic="rights.portability", langs=["sw", "en"])
    assert answer is not None and answer.lang == "en"
    assert content.get_answer(topic="rights.portability", langs=["sw"]) is None
    spanish = content.get_answer(topic="rights.portability", langs=["sw", "es", "en"])
    assert spanish is not None and spanish.lang == "es"


def test_cli_reports_errors_and_exit_code(tmp_path: Path, published: str) -> None:
    broken = _broken_copy(tmp_path, source=[])
    assert content.main(["publish", "--content-dir", str(broken)]) == 1
    assert content.main(["validate", "--content-dir", str(CONTENT_DIR)]) == 0
