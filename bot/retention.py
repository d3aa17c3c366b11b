"""Forget old conversations: every conversation whose last message is older than
``RETENTION_DAYS`` (90 by default) is deleted from the tracker store, whole.

The web server runs it every hour; ``python -m bot.retention`` runs it once (for cron)."""

from __future__ import annotations

import logging
import os
import sys
import time

from sqlalchemy import delete, func, select

from bot.privacy import EVENTS, tracker_engine

log = logging.getLogger(__name__)
DEFAULT_DAYS = 90


def retention_days() -> int:
    """How many days a conversation is kept after its last message."""
    return int(os.environ.get("RETENTION_DAYS", DEFAULT_DAYS))


def purge(*, days: int | None = None, url: str | None = None, now: float | None = None) -> int:
    """Delete conversations idle for more than ``days``; return how many were deleted."""
    days = retention_days() if days is None else days
    cutoff = (time.time() if now is None else now) - days * 86_400
    engine = tracker_engine(url)
    with engine.begin() as conn:
        if not engine.dialect.has_table(conn, "events"):
            return 0
        idle = (
            select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(func.max(EVENTS.c.timestamp) < cutoff)
        )
        senders = list(conn.execute(idle).scalars())
        for start in range(0, len(senders), 500):
            batch = senders[start : start + 500]
            conn.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(batch)))
    if senders:
        log.info("retention: deleted %d conversations idle for over %d days", len(senders), days)
    return len(senders)


def main() -> int:
    """Run once."""
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    count = purge()
    print(f"Deleted {count} conversation(s) idle for more than {retention_days()} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
