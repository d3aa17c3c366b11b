"""Start every process of the assistant, wait until each is ready, stop them all on Ctrl-C.

`make run` calls this after installing, training and publishing content. The end-to-end tests
start the same processes through :func:`services`, so what they test is what users run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot import langid
from bot.settings import ROOT

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Ports:
    """Where each process listens."""

    host: str = "127.0.0.1"
    rasa: int = 5005
    actions: int = 5055
    web: int = 8000

    @classmethod
    def from_env(cls) -> Ports:
        """Ports from RASA_PORT / ACTIONS_PORT / RASA_INTERFACE, or the defaults."""
        return cls(
            host=os.environ.get("RASA_INTERFACE", cls.host),
            rasa=int(os.environ.get("RASA_PORT", cls.rasa)),
            actions=int(os.environ.get("ACTIONS_PORT", cls.actions)),
            web=int(os.environ.get("WEB_PORT", cls.web)),
        )

    @property
    def rest_url(self) -> str:
        """The REST channel's webhook."""
        return f"http://localhost:{self.rasa}/webhooks/rest/webhook"


def service_env(ports: Ports, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the child processes, with the embedded defaults filled in."""
    env = {
        "RASA_TELEMETRY_ENABLED": "false",
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_DB": str(ROOT / "var" / "tracker.db"),
        **os.environ,
        "ACTION_ENDPOINT_URL": f"http://localhost:{ports.actions}/webhook",
        # The web server tells browsers where Rasa is, and the bridge where to forward.
        "RASA_PORT": str(ports.rasa),
        "WEB_PORT": str(ports.web),
        **(extra or {}),
    }
    return env


def commands(ports: Ports, model: Path) -> dict[str, list[str]]:
    """The command line of each process, by name."""
    return {
        "actions": [
            str(BIN / "python"),
            "-m",
            "rasa_sdk",
            "--actions",
            "actions",
            "--port",
            str(ports.actions),
        ],
        "rasa": [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            "credentials.yml",
            "--interface",
            ports.host,
            "--port",
            str(ports.rasa),
            "--cors",
            "*",
        ],
        "web": [str(BIN / "python"), "-m", "bot.web"],
    }


def bridge_commands(env: dict[str, str]) -> dict[str, list[str]]:
    """Processes started once Rasa answers: the Telegram bridge, when it has a token."""
    if env.get("TELEGRAM_BOT_TOKEN"):
        return {"telegram": [str(BIN / "python"), "-m", "bot.telegram"]}
    return {}


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(processes: dict[str, subprocess.Popen[bytes]], grace: float = 15.0) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        if process.poll() is None:
            process.kill()
            process.wait()


@contextlib.contextmanager
def services(
    *,
    ports: Ports,
    model: Path,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    timeout: float = 240.0,
) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """Run the action server, the Rasa server and the channel bridges until the block ends;
    wait until the servers answer."""
    full_env = service_env(ports, env)
    Path(full_env["TRACKER_DB"]).parent.mkdir(parents=True, exist_ok=True)
    # Fit (or find cached) the language detector now, not during a worker's first message.
    langid.model()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = []

    def start(name: str, command: list[str]) -> None:
        output = None
        if log_dir:
            log_dir.mkdir(parents=True, exist_ok=True)
            output = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed below
            logs.append(output)
        processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=full_env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )

    try:
        for name, command in commands(ports, model).items():
            start(name, command)
        health = {
            "actions": f"http://localhost:{ports.actions}/health",
            "rasa": f"http://localhost:{ports.rasa}/webhooks/rest/",
            "web": f"http://localhost:{ports.web}/healthz",
        }
        deadline = time.monotonic() + timeout
        for name, url in health.items():
            while not _ready(url):
                if processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited with {processes[name].returncode}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not ready after {timeout:.0f}s")
                time.sleep(0.5)
        # Channels that forward to Rasa start once it answers, so no first message is lost.
        for name, command in bridge_commands(full_env).items():
            start(name, command)
        yield processes
    finally:
        _stop(processes)
        for log in logs:
            log.close()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Run everything in the foreground until Ctrl-C or until one process stops."""
    ports = Ports.from_env()
    model = ROOT / "models" / "current.tar.gz"
    # `kill` stops everything as cleanly as Ctrl-C does: the children are stopped on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    print("Starting the action server and the Rasa server (loading the model takes a minute)...")
    try:
        with services(ports=ports, model=model) as processes:
            print(
                "\nThe assistant is ready. Chat with it:\n"
                f"  REST:      curl -s -X POST {ports.rest_url} \\\n"
                "               -H 'Content-Type: application/json' \\\n"
                '               -d \'{"sender": "me", "message": "hello"}\'\n'
                f"  web chat:  http://localhost:{ports.web}/demo/  (an example embassy page;"
                f" ?lang=ar for Arabic)\n"
                f"  embed it:  http://localhost:{ports.web}/embed\n"
                + (
                    "  Telegram:  the bridge runs: send /start to your bot in Telegram\n"
                    if "telegram" in processes
                    else "  Telegram:  set TELEGRAM_BOT_TOKEN (from @BotFather) to connect a bot\n"
                )
                + "Press Ctrl-C to stop everything.\n",
                flush=True,
            )
            while True:
                stopped = [n for n, p in processes.items() if p.poll() is not None]
                if stopped:
                    print(f"{', '.join(stopped)} stopped; stopping the rest.", file=sys.stderr)
                    return 1
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopped everything.", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
