"""A staff edit is live in the next reply: no retraining, no restart, within 5 seconds."""

from __future__ import annotations

import random
import string
import subprocess
import sys
import time

import yaml

from bot.settings import ROOT
from tests.e2e.conftest import Assistant


def test_published_edit_shows_in_the_next_reply(assistant: Assistant) -> None:
    path = assistant.content_dir / "en" / "chat.yml"
    original = path.read_text()
    # Letters only: a run of digits would be refused as a phone-like number, rightly.
    marker = f"Edited by staff {''.join(random.choices(string.ascii_lowercase, k=10))}."
    data = yaml.safe_load(original)
    thanks = next(i for i in data["items"] if i["topic"] == "chat.thanks")
    thanks["body"] = marker
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    try:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "bot.content", "publish"],
            cwd=ROOT,
            env={**assistant.env, "PATH": ""},
            check=True,
            capture_output=True,
        )
        replies = assistant.ask("/chat_thanks")
        elapsed = time.monotonic() - started
        assert marker in replies[0]["text"]
        print(f"\nedit to reply: {elapsed:.2f}s (publish + next reply)")
        assert elapsed < 5.0
    finally:
        path.write_text(original)
        subprocess.run(
            [sys.executable, "-m", "bot.content", "publish"],
            cwd=ROOT,
            env={**assistant.env, "PATH": ""},
            check=True,
            capture_output=True,
        )
