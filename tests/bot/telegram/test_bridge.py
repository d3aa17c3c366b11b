"""The bridge's settings refuse what would be unsafe; its own words exist in every language."""

from __future__ import annotations

import pytest

from bot.i18n import gettext_for
from bot.settings import get_settings
from bot.telegram.bridge import COMMANDS, BridgeSettings, _clip


@pytest.fixture()
def env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:
    for name in (
        "TELEGRAM_MODE",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "PSEUDONYM_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:token")
    monkeypatch.setenv("PSEUDONYM_KEY_FILE", str(tmp_path / "secrets" / "key"))
    return monkeypatch


def test_without_a_token_the_bridge_does_not_start(env: pytest.MonkeyPatch) -> None:
    env.delenv("TELEGRAM_BOT_TOKEN")
    with pytest.raises(SystemExit, match="TELEGRAM_BOT_TOKEN"):
        BridgeSettings.from_env()


@pytest.mark.parametrize("secret", [None, "short", "has spaces in it, not allowed"])
def test_webhook_mode_needs_a_proper_secret(env: pytest.MonkeyPatch, secret: str | None) -> None:
    env.setenv("TELEGRAM_MODE", "webhook")
    env.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/telegram")
    if secret:
        env.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    with pytest.raises(SystemExit, match="TELEGRAM_WEBHOOK_SECRET"):
        BridgeSettings.from_env()


def test_a_short_pseudonym_key_is_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("PSEUDONYM_KEY", "too-short")
    with pytest.raises(SystemExit, match="PSEUDONYM_KEY"):
        BridgeSettings.from_env()


def test_without_a_key_one_is_made_once_and_kept_private(env: pytest.MonkeyPatch, tmp_path) -> None:
    first = BridgeSettings.from_env().pseudonym_key
    assert first == BridgeSettings.from_env().pseudonym_key and len(first) >= 32
    assert (tmp_path / "secrets" / "key").stat().st_mode & 0o077 == 0


def test_long_input_is_clipped_at_a_space() -> None:
    clipped = _clip("word " * 500, 1000)
    assert len(clipped) <= 1000 and clipped.endswith("word")


def test_command_descriptions_are_translated_and_fit_telegram() -> None:
    for lang in get_settings().supported_langs:
        _ = gettext_for(lang)
        for description in COMMANDS.values():
            assert 3 <= len(_(description)) <= 256
            if lang != "en":
                assert _(description) != description, (lang, description)
