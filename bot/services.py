"""Starting and stopping the Rasa servers, the action server and the gateway as child processes.

`helpline run`, the end-to-end tests and the benchmark all start the servers
through here, so they run exactly what a deployment runs.

The servers end with `helpline run` however it ends: each is in a process group of its own (a stop
ends its children too) and asks Linux to send it SIGTERM when its parent dies (PR_SET_PDEATHSIG), so
even `kill -9` of `helpline run` leaves no server running. While it runs, a Supervisor restarts a
server that stopped by itself, waiting longer after each quick failure, and says so on the console.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Dict, Iterator, List, Optional

from bot.settings import Settings, child_environment

PR_SET_PDEATHSIG = 1
# Loaded before any fork: the child only calls it (no loading, no allocation between fork and exec).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


class ServiceError(RuntimeError):
    """A server did not come up; the message says which and where its log is."""


def _ends_with_parent(parent: int) -> Callable[[], None]:
    """Run in the child before exec: SIGTERM when the parent dies, even by SIGKILL. (Linux sends it
    when the thread that started the child ends: the Supervisor's thread lives as long as the run.)"""

    def arrange() -> None:
        if _LIBC is not None:
            _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)

    return arrange


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    health_url: str
    log_path: Path
    command: List[str] = field(default_factory=list)
    env: Dict[str, str] = field(default_factory=dict)
    cwd: Optional[Path] = None
    stopping: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def respawn(self) -> bool:
        """The same server again, on the same port, its log appended to; False once it is being stopped."""
        with self._lock:
            if self.stopping:
                return False
            self.process = _popen(self.command, self.env, self.cwd or Path.cwd(), self.log_path, append=True)
            return True

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
        with self._lock:
            self.stopping = True
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _popen(
    command: List[str], env: Dict[str, str], cwd: Path, log_path: Path, append: bool
) -> subprocess.Popen:
    # Readable by the owner only: a log holds no text of hers, but the logs are nobody else's business.
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    descriptor = os.open(log_path, flags, 0o600)
    os.fchmod(descriptor, 0o600)  # an older log may have been made with wider rights
    log: IO[bytes] = os.fdopen(descriptor, "ab" if append else "wb")
    try:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so stop() also ends its children
            preexec_fn=_ends_with_parent(os.getpid()),
        )
    finally:
        log.close()


def _spawn(name: str, command: List[str], settings: Settings, health_url: str, env: dict) -> Service:
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.run_dir / f"{name}.log"
    process = _popen(command, env, settings.project_root, log_path, append=False)
    return Service(name, process, health_url, log_path, command, env, settings.project_root)


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


def start_rasa_server(
    settings: Settings,
    model: Path,
    env_overrides: Optional[dict] = None,
    port: Optional[int] = None,
    name: str = "rasa",
) -> Service:
    """Rasa's own server through bot/runtime/rasa_server.py, which keeps her text out of its logs."""
    env = child_environment("rasa", settings)
    env.update(env_overrides or {})
    port = port or settings.rasa_port
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
        str(port),
    ]
    return _spawn(name, command, settings, f"http://{settings.host}:{port}/webhooks/rest/", env)


def start_rasa_servers(
    settings: Settings, model: Path, count: Optional[int] = None, env_overrides: Optional[dict] = None
) -> List[Service]:
    """`count` Rasa servers (RASA_PROCESSES by default) on RASA_PORT and the ports after it, not yet ready
    (`wait_ready` each). More than one share their conversations through Redis, so REDIS_URL must be
    set; each then keeps its own spool file of statistics. The benchmark compares one with two."""
    count = settings.rasa_processes if count is None else count
    if count > 1 and not settings.redis_url:
        raise ServiceError(
            f"{count} Rasa servers need REDIS_URL: without Redis each would keep its own conversations"
        )
    servers = []
    for number, port in enumerate(range(settings.rasa_port, settings.rasa_port + count), start=1):
        env = dict(env_overrides or {})
        name = "rasa" if number == 1 else f"rasa-{number}"
        if number > 1:  # one spool file a server: each loads its own at its next start
            spool = Path(env.get("HELPLINE_STATS_SPOOL") or settings.stats_spool)
            env["HELPLINE_STATS_SPOOL"] = str(spool.with_name(f"{spool.stem}-{port}{spool.suffix}"))
        servers.append(start_rasa_server(settings, model, env, port=port, name=name))
    return servers


def start_gateway(settings: Settings, env_overrides: Optional[dict] = None) -> Service:
    """The gateway: the demo page, and Telegram when a token is set (see bot/gateway/server.py)."""
    env = child_environment("gateway", settings)
    env.update(env_overrides or {})
    port, host = env["GATEWAY_PORT"], env["HELPLINE_WEB_HOST"]
    command = [sys.executable, "-m", "bot.cli", "gateway"]
    reachable = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return _spawn("gateway", command, settings, f"http://{reachable}:{port}/health?parts=no", env)


class Supervisor:
    """Restarts a server that stopped by itself, waiting 1, 2, 4 ... up to 60 s after each stop (back to
    1 s once it has run for two minutes), and says so through `say`: names and exit codes only."""

    FIRST_DELAY, MAX_DELAY, STEADY_SECONDS = 1.0, 60.0, 120.0

    def __init__(self, services: List[Service], say: Callable[[str], None], check_every: float = 0.5) -> None:
        self.services = services
        self.say = say
        self.check_every = check_every
        self.restarts: Dict[str, int] = {service.name: 0 for service in services}
        self._delay = {service.name: self.FIRST_DELAY for service in services}
        self._started = {service.name: time.monotonic() for service in services}
        self._due: Dict[str, float] = {}
        self._back: Dict[str, bool] = {service.name: True for service in services}
        self._stop = threading.Event()
        self._busy = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> Supervisor:
        self._thread.start()
        return self

    def stop(self) -> None:
        """No more restarts. The thread itself stays (idle) until the process ends: Linux signals the
        servers it restarted when the thread that started them ends, which must not come before their
        own clean stop."""
        self._stop.set()
        with self._busy:
            pass  # a restart under way has finished

    def _watch(self) -> None:
        while not self._stop.wait(self.check_every):
            with self._busy:
                for service in self.services:
                    if self._stop.is_set():
                        break
                    try:
                        self._look_after(service)
                    except Exception as error:  # the watcher itself must keep going
                        self.say(f"could not restart {service.name} ({type(error).__name__}); will try again")
        threading.Event().wait()  # idle until the process ends (a daemon thread)

    def _look_after(self, service: Service) -> None:
        name, now = service.name, time.monotonic()
        code = service.process.poll()
        if code is None:
            if not self._back[name] and service.is_ready():
                self._back[name] = True
                self.say(f"{name} is running again")
            if now - self._started[name] > self.STEADY_SECONDS:
                self._delay[name] = self.FIRST_DELAY
            return
        if service.stopping:
            return
        if name not in self._due:
            delay = self._delay[name]
            self._due[name] = now + delay
            self._back[name] = False
            self.say(f"{name} stopped (exit code {code}); restarting it in {delay:.0f} s")
        elif now >= self._due[name]:
            del self._due[name]
            if service.respawn():
                self.restarts[name] += 1
                self._started[name] = now
                self._delay[name] = min(self._delay[name] * 2, self.MAX_DELAY)
                self.say(f"{name} restarted (restart {self.restarts[name]})")


@contextmanager
def running_servers(
    settings: Settings,
    model: Path,
    timeout: float = 180,
    with_actions: bool = True,
    with_gateway: bool = False,
    rasa_servers: Optional[int] = None,
) -> Iterator[List[Service]]:
    """The servers, up and ready, for the duration of the block: the action server, `rasa_servers` Rasa
    servers (RASA_PROCESSES by default), the gateway."""
    with ExitStack() as stack:
        services: List[Service] = []
        if with_actions:
            actions = start_action_server(settings)
            stack.callback(actions.stop)
            services.append(actions)
        for rasa in start_rasa_servers(settings, model, rasa_servers):
            stack.callback(rasa.stop)
            services.append(rasa)
        if with_gateway:
            gateway = start_gateway(settings)
            stack.callback(gateway.stop)
            services.append(gateway)
        for service in services:
            service.wait_ready(timeout)
        yield services
