"""What the Telegram bridge remembers: which updates it has answered, what its buttons mean,
how fast each user writes. Nothing here holds a Telegram id or a message."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections import OrderedDict, deque
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db import TelegramButton, TelegramUpdate

SENDER_PREFIX = "tg-"


def pseudonym(user_id: int, key: bytes) -> str:
    """The Rasa sender id of a Telegram user: a keyed hash, so the raw id is never stored and
    cannot be recovered without the key, yet the same user keeps the same conversation."""
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return SENDER_PREFIX + digest[:32]


class UpdateLog:
    """Answer each ``update_id`` once, even when Telegram delivers it again after a restart.

    An update is *taken* before it is answered and *done* after. A redelivered update that is
    done, or taken by this process, is skipped. One taken by an earlier process that stopped
    before finishing is answered again: a repeated answer does less harm than a lost question.
    """

    def __init__(self, sessions: sessionmaker, run_id: str) -> None:
        self._sessions = sessions
        self.run_id = run_id

    def take(self, update_id: int) -> bool:
        """True if this process should answer the update now."""
        with self._sessions() as session:
            session.add(
                TelegramUpdate(
                    update_id=update_id,
                    state="taken",
                    run_id=self.run_id,
                    received_at=datetime.utcnow(),
                )
            )
            try:
                session.commit()
                return True
            except IntegrityError:
                session.rollback()
        with self._sessions() as session:
            row = session.get(TelegramUpdate, update_id, with_for_update=True)
            if row is None or row.state == "done" or row.run_id == self.run_id:
                return False
            row.run_id = self.run_id
            session.commit()
            return True

    def done(self, update_id: int) -> None:
        """Mark the update as answered."""
        with self._sessions() as session:
            row = session.get(TelegramUpdate, update_id)
            if row is not None:
                row.state = "done"
                session.commit()

    def prune(self, older_than: timedelta = timedelta(days=2)) -> None:
        """Forget updates older than Telegram's redelivery window (it keeps them 24 hours)."""
        cutoff = datetime.utcnow() - older_than
        with self._sessions() as session:
            session.execute(delete(TelegramUpdate).where(TelegramUpdate.received_at < cutoff))
            session.commit()


class ButtonStore:
    """Map Rasa button payloads to short keys that fit Telegram's 64-byte ``callback_data``.

    The key is a hash of the payload, so the same button always gets the same key, and the map
    is in the database, so buttons sent before a restart still work after it."""

    PREFIX = "b:"

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions
        self._cache: dict[str, str] = {}

    def key_for(self, payload: str) -> str:
        """The callback data for ``payload`` (stored on first use)."""
        digest = hashlib.sha256(payload.encode()).digest()
        key = self.PREFIX + base64.urlsafe_b64encode(digest[:15]).decode()
        if key not in self._cache:
            with self._sessions() as session:
                if session.get(TelegramButton, key) is None:
                    session.add(TelegramButton(key=key, payload=payload))
                    try:
                        session.commit()
                    except IntegrityError:
                        session.rollback()  # stored meanwhile by another process: same payload
            self._cache[key] = payload
        return key

    def payload_for(self, key: str) -> str | None:
        """The payload behind ``key``, or None for a key this bridge never sent."""
        if key in self._cache:
            return self._cache[key]
        with self._sessions() as session:
            payload = session.scalar(
                select(TelegramButton.payload).where(TelegramButton.key == key)
            )
        if payload is not None:
            self._cache[key] = payload
        return payload


class RateLimiter:
    """At most ``limit`` messages per user in any ``window`` seconds; in memory only."""

    def __init__(self, *, limit: int, window: float, max_users: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._max_users = max_users

    def allow(self, user: str, now: float | None = None) -> bool:
        """Record one message from ``user``; False when it is over the limit."""
        now = time.monotonic() if now is None else now
        times = self._seen.pop(user, None) or deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self._seen[user] = times
        while len(self._seen) > self._max_users:
            self._seen.popitem(last=False)
        return allowed

    def forget(self, user: str) -> None:
        """Drop what is known about ``user`` (on erasure)."""
        self._seen.pop(user, None)


class UserLocks:
    """One lock per user, so that a user's messages reach Rasa one at a time and in order,
    while different users are answered concurrently."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, user: str) -> asyncio.Lock:
        lock = self._locks.get(user)
        if lock is None:
            # Drop idle locks now and then so the map does not grow with every user ever seen.
            if len(self._locks) > 10_000:
                self._locks = {u: lk for u, lk in self._locks.items() if lk.locked()}
            lock = self._locks[user] = asyncio.Lock()
        return lock
