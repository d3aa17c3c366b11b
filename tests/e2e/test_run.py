"""`make run`'s process runner: starts everything, says where to chat, stops all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from bot.settings import ROOT
from tests.e2e.conftest import MODEL
from tests.telegram_api import BotApiStandIn


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_runner_prints_where_to_chat_and_stops_cleanly_on_ctrl_c(tmp_path) -> None:
    assert MODEL.exists()
    api = BotApiStandIn("42:runner-test").start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "42:runner-test",
        "TELEGRAM_API_BASE_URL": api.url,
        "PSEUDONYM_KEY": "r" * 40,
        "RASA_PORT": "16005",
        "ACTIONS_PORT": "16055",
        "WEB_PORT": "16080",
        "TRACKER_DB": str(tmp_path / "tracker.db"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            output.append(line)
            if "Press Ctrl-C" in line or process.poll() is not None:
                break
        text = "".join(output)
        assert "http://localhost:16005/webhooks/rest/webhook" in text, text[-2000:]
        assert port_open(16005) and port_open(16055) and port_open(16080)
        assert "http://localhost:16080/demo/" in text
        assert "send /start to your bot" in text
        api.wait_for("getUpdates", timeout=60)  # the Telegram bridge is polling
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        assert process.returncode == 0, rest[-2000:]
        assert "Stopped everything." in rest
        assert not port_open(16005) and not port_open(16055) and not port_open(16080)
        mark = api.mark()
        time.sleep(3)
        assert api.mark() == mark, "the bridge still polls after Ctrl-C"
    finally:
        if process.poll() is None:
            process.kill()
        api.stop()
