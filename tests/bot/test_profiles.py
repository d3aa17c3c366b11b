"""Organisation profiles: validated, published, and matched against page origins."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import profiles
from bot.answers import contacts_block

DEMO = profiles.PROFILES_DIR / "demo-np-qa.yml"


def test_the_shipped_profiles_are_valid() -> None:
    for profile in profiles.load_files():
        assert profiles.validate(profile) == []


def test_bad_profiles_are_refused_with_every_problem(tmp_path: Path, database_url: str) -> None:
    bad = yaml.safe_load(DEMO.read_text())
    bad.update(id="Bad Id", country_of_work="XX", default_lang="zz", allowed_origins=["evil"])
    bad["theme"] = {"color": "#0b5394", "logo": "javascript:alert(1)"}
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(bad))
    with pytest.raises(profiles.ProfileError) as refused:
        profiles.publish(directory=tmp_path, database_url=database_url)
    text = str(refused.value)
    for part in ("id must be", "country_of_work", "default_lang", "allowed origin", "theme.logo"):
        assert part in text


def test_published_profiles_are_read_back(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    from bot.settings import get_settings

    get_settings.cache_clear()
    assert profiles.publish(database_url=database_url) >= 1
    profile = profiles.get_profile("demo-np-qa")
    assert profile and profile["country_of_work"] == "QA"
    assert profiles.get_profile("no-such-profile") is None
    assert profiles.get_profile("../../etc") is None
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:8000", True),
        ("http://LOCALHOST:8000/", True),
        ("http://localhost:8001", False),
        ("https://localhost:8000", False),
        ("http://localhost:8000.evil.example", False),
        (None, False),
        ("null", False),
    ],
)
def test_origins_must_match_exactly(origin: str | None, allowed: bool) -> None:
    profile = {"allowed_origins": ["http://localhost:8000"]}
    assert profiles.origin_allowed(profile, origin) is allowed


def test_contacts_say_what_staff_have_not_confirmed() -> None:
    profile = yaml.safe_load(DEMO.read_text())
    block = contacts_block(profile, "en")
    assert "Embassy of Nepal in Doha" in block
    assert "not yet confirmed by staff" in block
    profile["contacts"][0]["phone"] = "+974 0000 0000"
    assert "Phone: +974 0000 0000" in contacts_block(profile, "en")
