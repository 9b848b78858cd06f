"""Starting and stopping the Rasa server and the action server as child processes.

`helpline run`, the end-to-end tests and the benchmark all start the servers
through here, so they run exactly what a deployment runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, List, Optional

from bot.settings import Settings, child_environment


class ServiceError(RuntimeError):
    """A server did not come up; the message says which and where its log is."""


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    health_url: str
    log_path: Path

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceError(
                    f"{self.name} exited with code {self.process.returncode}; see {self.log_path}"
                )
            if self.is_ready():
                return
            time.sleep(0.5)
        raise ServiceError(f"{self.name} was not ready after {timeout:.0f} s; see {self.log_path}")

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _spawn(name: str, command: List[str], settings: Settings, health_url: str, env: dict) -> Service:
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.run_dir / f"{name}.log"
    # Readable by the owner only: a log holds no text of hers, but the logs are nobody else's business.
    descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older log may have been made with wider rights
    log: IO[bytes] = os.fdopen(descriptor, "wb")
    process = subprocess.Popen(
        command,
        cwd=settings.project_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so stop() also ends its children
    )
    log.close()
    return Service(name, process, health_url, log_path)


def start_action_server(settings: Settings, actions_package: str = "actions") -> Service:
    """bot/runtime/action_server.py: rasa_sdk's app on loopback, bounded, with private logs."""
    command = [
        sys.executable,
        "-m",
        "bot.runtime.action_server",
        "--actions",
        actions_package,
        "--port",
        str(settings.action_port),
    ]
    env = child_environment("actions", settings)
    return _spawn("actions", command, settings, f"{settings.action_url}/health", env)


def start_rasa_server(settings: Settings, model: Path, env_overrides: Optional[dict] = None) -> Service:
    """Rasa's own server through bot/runtime/rasa_server.py, which keeps her text out of its logs."""
    env = child_environment("rasa", settings)
    env.update(env_overrides or {})
    command = [
        sys.executable,
        "-m",
        "bot.runtime.rasa_server",
        "run",
        "--model",
        str(model),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
    ]
    return _spawn("rasa", command, settings, f"{settings.rasa_url}/webhooks/rest/", env)


def start_gateway(settings: Settings, env_overrides: Optional[dict] = None) -> Service:
    """The gateway: the demo page, and Telegram when a token is set (see bot/gateway/server.py)."""
    env = child_environment("gateway", settings)
    env.update(env_overrides or {})
    port, host = env["GATEWAY_PORT"], env["HELPLINE_WEB_HOST"]
    command = [sys.executable, "-m", "bot.cli", "gateway"]
    reachable = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return _spawn("gateway", command, settings, f"http://{reachable}:{port}/health", env)


@contextmanager
def running_servers(
    settings: Settings,
    model: Path,
    timeout: float = 180,
    with_actions: bool = True,
    with_gateway: bool = False,
) -> Iterator[List[Service]]:
    """The servers, up and ready, for the duration of the block."""
    with ExitStack() as stack:
        services: List[Service] = []
        if with_actions:
            actions = start_action_server(settings)
            stack.callback(actions.stop)
            services.append(actions)
        rasa = start_rasa_server(settings, model)
        stack.callback(rasa.stop)
        services.append(rasa)
        if with_gateway:
            gateway = start_gateway(settings)
            stack.callback(gateway.stop)
            services.append(gateway)
        for service in services:
            service.wait_ready(timeout)
        yield services
