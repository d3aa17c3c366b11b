"""What the bridge remembers: updates answered once, buttons that survive a restart, rate limits,
pseudonyms. Against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.db import TelegramUpdate, session_factory
from bot.telegram.state import ButtonStore, RateLimiter, UpdateLog, pseudonym


def test_pseudonyms_are_stable_keyed_and_hide_the_id() -> None:
    first = pseudonym(123456789, b"k" * 32)
    assert first == pseudonym(123456789, b"k" * 32)
    assert first != pseudonym(123456789, b"j" * 32)
    assert first != pseudonym(123456780, b"k" * 32)
    assert "123456789" not in first and first.startswith("tg-")


def test_an_update_is_taken_once(database_url: str) -> None:
    log = UpdateLog(session_factory(database_url), run_id="run-a")
    assert log.take(1) is True
    assert log.take(1) is False  # redelivered while being answered
    log.done(1)
    assert log.take(1) is False  # redelivered after the answer


def test_an_update_left_unfinished_by_a_stopped_process_is_answered_again(
    database_url: str,
) -> None:
    sessions = session_factory(database_url)
    assert UpdateLog(sessions, run_id="before-crash").take(7) is True
    restarted = UpdateLog(sessions, run_id="after-restart")
    assert restarted.take(7) is True
    assert restarted.take(7) is False
    restarted.done(7)
    assert UpdateLog(sessions, run_id="third").take(7) is False


def test_old_update_records_are_pruned(database_url: str) -> None:
    sessions = session_factory(database_url)
    log = UpdateLog(sessions, run_id="r")
    log.take(1)
    log.take(2)
    with sessions() as session:
        session.get(TelegramUpdate, 1).received_at = datetime.utcnow() - timedelta(days=3)
        session.commit()
    log.prune()
    with sessions() as session:
        assert session.scalars(select(TelegramUpdate.update_id)).all() == [2]


def test_button_keys_fit_telegram_and_survive_a_restart(database_url: str) -> None:
    payload = '/chat_language{"language":"ne"}' + "x" * 200
    key = ButtonStore(session_factory(database_url)).key_for(payload)
    assert len(key.encode()) <= 64
    assert ButtonStore(session_factory(database_url)).key_for(payload) == key
    assert ButtonStore(session_factory(database_url)).payload_for(key) == payload
    assert ButtonStore(session_factory(database_url)).payload_for("b:never-sent") is None


def test_the_rate_limit_counts_per_user_in_a_sliding_window() -> None:
    limiter = RateLimiter(limit=2, window=60)
    assert limiter.allow("a", now=0) and limiter.allow("a", now=1)
    assert not limiter.allow("a", now=2)
    assert limiter.allow("b", now=2)  # another user is not slowed down
    assert limiter.allow("a", now=61)  # the first message left the window
