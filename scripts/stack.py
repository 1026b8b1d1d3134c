"""Starts and supervises the three processes: directory web app, Rasa action server, Rasa server.

Used by `make run` (foreground, Ctrl-C stops everything) and by the end-to-end tests (`Stack` class).
Standard library only, so it runs on the project's Python 3.11 before anything else is imported.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


# Rasa and the action server handle one small matrix at a time: a pool of BLAS threads per process
# busy-waits on the other core and nearly doubled the CPU each turn cost (docs/benchmarks.md).
ONE_MATH_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass
class Process:
    name: str
    command: list[str]
    port: int
    health_path: str
    popen: subprocess.Popen | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.health_path}"


def action_server_process(port: int) -> Process:
    """The Rasa action server (rasa-sdk, Python 3.10): stateless, so the scaled topology runs the same one."""
    python = str(ROOT / ".venv-rasa" / "bin" / "python")
    return Process(
        "action server",
        [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        port,
        "/health",
        extra_env=dict(ONE_MATH_THREAD),
    )


@dataclass
class Stack:
    web_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    host: str = "127.0.0.1"
    log_dir: Path = ROOT / "var" / "logs"
    env: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    def child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "RASA_TELEMETRY_ENABLED": "false",
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "SEND_WEB_PORT": str(self.web_port),
                "SEND_DIRECTORY_URL": self.web_url,
                "SEND_RASA_URL": self.rasa_url,
                "SEND_ACTIONS_URL": f"{self.actions_url}/webhook",
                "SEND_TRACKER_DB": env.get("SEND_TRACKER_DB", str(ROOT / "var" / "rasa-tracker.db")),
                "SEND_PUBLIC_ORIGIN": env.get("SEND_PUBLIC_ORIGIN", f"http://localhost:{self.web_port}"),
            }
        )
        env.update(self.env)
        return env

    def build(self) -> list[Process]:
        env = self.child_env()
        origin = env["SEND_PUBLIC_ORIGIN"]
        rasa_bin = str(ROOT / ".venv-rasa" / "bin")
        return [
            Process(
                "directory web app",
                [
                    str(ROOT / ".venv" / "bin" / "python"),
                    "-m",
                    "uvicorn",
                    "directory.app:create_app",
                    "--factory",
                    "--host",
                    self.host,
                    "--port",
                    str(self.web_port),
                    "--no-access-log",
                ],
                self.web_port,
                "/health",
            ),
            action_server_process(self.actions_port),
            Process(
                "Rasa server",
                [
                    f"{rasa_bin}/rasa",
                    "run",
                    "--model",
                    str(ROOT / "models" / "send-assistant.tar.gz"),
                    "--endpoints",
                    str(ROOT / "bot" / "endpoints.yml"),
                    "--credentials",
                    str(ROOT / "bot" / "credentials.yml"),
                    "--port",
                    str(self.rasa_port),
                    "--interface",
                    self.host,
                    "--cors",
                    origin,
                ],
                self.rasa_port,
                "/",
                extra_env=dict(ONE_MATH_THREAD),
            ),
        ]

    def check_ports(self) -> None:
        for name, port, variable in (
            ("directory web app", self.web_port, "SEND_WEB_PORT"),
            ("Rasa server", self.rasa_port, "SEND_RASA_PORT"),
            ("action server", self.actions_port, "SEND_ACTIONS_PORT"),
        ):
            if not port_is_free(port):
                raise SystemExit(
                    f"Port {port} is already in use, so the {name} cannot start. Stop whatever uses it "
                    f"(`ss -ltnp | grep :{port}`) or choose another port with the environment variable {variable}."
                )

    def start(self, timeout: float = 240.0) -> None:
        self.check_ports()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = self.child_env()
        self.processes = self.build()
        for proc in self.processes:
            log = open(self.log_dir / f"{proc.name.replace(' ', '-')}.log", "ab")  # noqa: SIM115
            proc.popen = subprocess.Popen(
                proc.command,
                cwd=ROOT,
                env={**env, **proc.extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        waiting = list(self.processes)
        while waiting:
            for proc in list(waiting):
                if proc.popen and proc.popen.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"The {proc.name} stopped while starting:\n{self.log_tail(proc)}")
                if http_ok(proc.health_url):
                    waiting.remove(proc)
            if time.monotonic() > deadline:
                names = ", ".join(p.name for p in waiting)
                tails = "\n".join(self.log_tail(p) for p in waiting)
                self.stop()
                raise RuntimeError(f"Timed out waiting for: {names}\n{tails}")
            time.sleep(0.5)

    def log_tail(self, proc: Process, lines: int = 25) -> str:
        path = self.log_dir / f"{proc.name.replace(' ', '-')}.log"
        text = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
        return f"--- last lines of {path} ---\n" + "\n".join(text)

    def stop(self, grace: float = 10.0) -> None:
        for proc in reversed(self.processes):
            if proc.popen and proc.popen.poll() is None:
                try:
                    os.killpg(proc.popen.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for proc in self.processes:
            if proc.popen is None:
                continue
            try:
                proc.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait()

    def restart(self, name: str, timeout: float = 60.0) -> None:
        """Starts one stopped process again and waits until it is healthy."""
        env = self.child_env()
        for proc in self.processes:
            if proc.name == name:
                log = open(self.log_dir / f"{proc.name.replace(' ', '-')}.log", "ab")  # noqa: SIM115
                proc.popen = subprocess.Popen(
                    proc.command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                deadline = time.monotonic() + timeout
                while not http_ok(proc.health_url):
                    if time.monotonic() > deadline or proc.popen.poll() is not None:
                        raise RuntimeError(f"The {name} did not restart:\n{self.log_tail(proc)}")
                    time.sleep(0.3)

    def kill(self, name: str) -> None:
        """Stops one process (used by the failure tests, e.g. the action server going down)."""
        for proc in self.processes:
            if proc.name == name and proc.popen and proc.popen.poll() is None:
                os.killpg(proc.popen.pid, signal.SIGTERM)
                proc.popen.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    stack = Stack(
        web_port=int(os.environ.get("SEND_WEB_PORT", 8000)),
        rasa_port=int(os.environ.get("SEND_RASA_PORT", 5005)),
        actions_port=int(os.environ.get("SEND_ACTIONS_PORT", 5055)),
        host=os.environ.get("SEND_WEB_HOST", "127.0.0.1"),
    )
    print(
        "[run] starting the directory web app, the action server and the Rasa server "
        f"(logs in {stack.log_dir})...",
        flush=True,
    )
    try:
        stack.start()
    except (RuntimeError, SystemExit) as exc:
        print(f"[run] {exc}", file=sys.stderr)
        return 1
    print(
        f"""
[run] The SEND Local Offer Assistant is running.
  Chat on the demo council page:  {stack.web_url}/
  Staff area:                     {stack.web_url}/staff
  Directory JSON API:             {stack.web_url}/api/   (OpenAPI: {stack.web_url}/docs)
  Rasa server:                    {stack.rasa_url}/  (REST: /webhooks/rest/webhook)
  Action server health:           {stack.actions_url}/health
Press Ctrl-C to stop all three.""",
        flush=True,
    )
    stopping = False

    def _stop(signum, frame):  # noqa: ARG001
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    exit_code = 0
    while not stopping:
        for proc in stack.processes:
            if proc.popen and proc.popen.poll() is not None:
                print(f"[run] the {proc.name} stopped unexpectedly.\n{stack.log_tail(proc)}", file=sys.stderr)
                stopping, exit_code = True, 1
        time.sleep(0.5)
    print("\n[run] stopping...", flush=True)
    stack.stop()
    print("[run] stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
