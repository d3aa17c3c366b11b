"""Shared fixtures: a fresh app database with the real content published into it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot import content
from bot.db import get_engine
from bot.settings import ROOT

CONTENT_DIR = ROOT / "content"


POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty app database: SQLite (the embedded default) and PostgreSQL (production)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    name = f"mw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        if os.environ.get("CI"):
            raise  # CI machines have PostgreSQL: its absence there is a failure, not a skip
        pytest.skip(f"no PostgreSQL reachable at {POSTGRES_ADMIN_URL}: {exc.orig}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture()
def published(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The repository's content, published to a fresh database that the code under test uses."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    from bot.settings import get_settings

    get_settings.cache_clear()
    content.publish(content_dir=CONTENT_DIR, database_url=database_url)
    yield database_url
    get_settings.cache_clear()


def make_events_table(database_url: str, rows: list[tuple[str, float]]) -> Engine:
    """A table like Rasa's SQLTrackerStore's ``events``, holding (sender_id, timestamp) rows."""
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
        )
        for i, (sender, stamp) in enumerate(rows):
            conn.execute(
                text("INSERT INTO events VALUES (:i, :s, 'user', :t, '{}')"),
                {"i": i, "s": sender, "t": stamp},
            )
    return engine


def pytest_configure(config: pytest.Config) -> None:
    """Keep Rasa's telemetry off in every process the tests start."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
