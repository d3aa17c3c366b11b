"""Storage of the app database: typed SQLAlchemy models, engine and session factory."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from bot.settings import get_settings

Base: Any = declarative_base()


class ContentItem(Base):
    """The published answer of one topic in one language."""

    __tablename__ = "content_items"

    topic = Column(String(64), primary_key=True)
    lang = Column(String(16), primary_key=True)
    title = Column(String(80), nullable=False)
    body = Column(Text, nullable=False)
    next_step = Column(Text, nullable=False)
    related = Column(JSON, nullable=False, default=list)
    sources = Column(JSON, nullable=False, default=list)
    reviewed_on = Column(Date, nullable=False)
    status = Column(String(20), nullable=False)
    published_at = Column(DateTime, nullable=False)


class OrgProfile(Base):
    """An organisation that embeds the web chat (see bot/profiles.py): the whole record."""

    __tablename__ = "org_profiles"

    id = Column(String(64), primary_key=True)
    data = Column(JSON, nullable=False)
    published_at = Column(DateTime, nullable=False)


class TelegramUpdate(Base):
    """A Telegram update the bridge has taken on, so that a redelivered one is answered once.

    Holds the update's number only: nothing about the user or the message."""

    __tablename__ = "telegram_updates"

    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    # "taken" while it is being answered, "done" once the replies are sent.
    state = Column(String(8), nullable=False)
    # The bridge process that took it: after a crash, a new process may take it again.
    run_id = Column(String(32), nullable=False)
    received_at = Column(DateTime, nullable=False)


class TelegramButton(Base):
    """A button's Rasa payload under the short key sent as Telegram's ``callback_data``."""

    __tablename__ = "telegram_buttons"

    key = Column(String(24), primary_key=True)
    payload = Column(Text, nullable=False)


@cache
def get_engine(url: str) -> Engine:
    """Build the engine for a database URL, once per process, and create missing tables."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        # WAL lets the action server read while `make content` publishes from another process.
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    Base.metadata.create_all(engine)
    return engine


def session_factory(url: str | None = None) -> sessionmaker:
    """A session factory for ``url`` (the settings' by default); one session per unit of work."""
    return _session_factory(url or get_settings().database_url)


@cache
def _session_factory(url: str) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), class_=Session, future=True, expire_on_commit=False)
