"""One typed settings object for every process, read from the environment (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Settings of the assistant's own code (Rasa reads endpoints.yml and credentials.yml)."""

    database_url: str
    content_dir: Path
    default_lang: str
    # Languages the assistant serves (ISO 639-1). A hint in one of these is honoured even before
    # its content exists: the answer then falls back to the default language and says so.
    supported_langs: tuple[str, ...]
    # Below this NLU confidence a follow-up question is read in the context of the last answer.
    followup_max_words: int


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@cache
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or _sqlite_url(ROOT / "var" / "app.db"),
        content_dir=Path(os.environ.get("CONTENT_DIR") or ROOT / "content"),
        default_lang=os.environ.get("DEFAULT_LANG", "en"),
        supported_langs=tuple(
            os.environ.get("SUPPORTED_LANGS", "en,es,fr,pt,ar,ne,hi,bn,id,tl").split(",")
        ),
        followup_max_words=int(os.environ.get("FOLLOWUP_MAX_WORDS", "8")),
    )
