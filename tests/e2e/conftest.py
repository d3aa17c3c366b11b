"""A real Rasa server and action server, started once for the end-to-end tests."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import content, profiles
from bot.run import Ports, services
from bot.settings import ROOT
from tests.conftest import CONTENT_DIR

MODEL = ROOT / "models" / "current.tar.gz"


@dataclass
class Assistant:
    """The running assistant, reached through its REST channel as any client would."""

    ports: Ports
    content_dir: Path
    database_url: str
    env: dict[str, str]
    log_dir: Path

    def post(self, body: bytes) -> tuple[int, Any]:
        """POST raw bytes to the REST webhook; return the status and decoded JSON (or None)."""
        request = urllib.request.Request(
            self.ports.rest_url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, None

    def ask(
        self, message: str, *, sender: str | None = None, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send one message and return the bot's messages."""
        body: dict[str, Any] = {"sender": sender or uuid.uuid4().hex, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        status, replies = self.post(json.dumps(body).encode())
        assert status == 200, status
        return replies


def topics(replies: list[dict[str, Any]]) -> list[str]:
    """The topics answered in a list of bot messages, in order."""
    return [r["custom"]["topic"] for r in replies if "topic" in r.get("custom", {})]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """Publish the content to a fresh database and run both servers until the session ends."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    base = tmp_path_factory.mktemp("assistant")
    content_dir = base / "content"
    shutil.copytree(CONTENT_DIR, content_dir)
    database_url = f"sqlite:///{base / 'app.db'}"
    content.publish(content_dir=content_dir, database_url=database_url)
    # Other ports can be chosen so that two checkouts can test at once on one machine.
    ports = Ports(
        rasa=int(os.environ.get("TEST_RASA_PORT", "15005")),
        actions=int(os.environ.get("TEST_ACTIONS_PORT", "15055")),
        web=int(os.environ.get("TEST_WEB_PORT", "18000")),
    )
    # The demo profile, allowed on the test's web server as an operator would allow a site.
    profile_dir = base / "profiles"
    profile_dir.mkdir()
    for path in profiles.PROFILES_DIR.glob("*.yml"):
        data = yaml.safe_load(path.read_text())
        data["allowed_origins"] = [f"http://localhost:{ports.web}", f"http://127.0.0.1:{ports.web}"]
        (profile_dir / path.name).write_text(yaml.safe_dump(data, allow_unicode=True))
    profiles.publish(directory=profile_dir, database_url=database_url)
    env = {
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(content_dir),
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_DB": str(base / "tracker.db"),
    }
    log_dir = ROOT / "var" / "test-logs"
    with services(ports=ports, model=MODEL, env=env, log_dir=log_dir):
        yield Assistant(ports, content_dir, database_url, env, log_dir)
