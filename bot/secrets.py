"""Secrets of the embedded default: from the environment, or made once and kept in var/secrets.

Production sets every secret in the environment. Without one, `make run` must still work on a
fresh machine, so a random secret is made on first use and kept (mode 600) for the next runs."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from bot.settings import ROOT

log = logging.getLogger(__name__)
SECRETS_DIR = ROOT / "var" / "secrets"


def secret(name: str, *, make: Callable[[], str], min_length: int = 32) -> str:
    """The value of environment variable ``name``, or of ``var/secrets/<name>`` (made once)."""
    value = os.environ.get(name, "").strip()
    if value:
        if len(value) < min_length:
            raise SystemExit(f"{name} must be at least {min_length} characters")
        return value
    path = Path(os.environ.get(f"{name}_FILE", SECRETS_DIR / name.lower()))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it meanwhile: use theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
            log.warning("%s is not set: made one in %s (keep it with the backups)", name, path)
    return path.read_text().strip()
