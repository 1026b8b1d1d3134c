"""The scale-out topology on one machine, for trying it (`make run-scaled`) and for tests/scaled and bench/.

Two directory replicas, one action server and two Rasa replicas, all sharing the local PostgreSQL (directory
database + Rasa tracker store) and Redis (Rasa lock store, shared rate limits). Builds on scripts/stack.py:
the same supervision (start, health checks, logs, Ctrl-C), more processes.

Before starting it creates the two databases if they are missing (as the PostgreSQL user in the URLs) and
runs the migrations and `python -m directory load` against PostgreSQL. Every setting is an environment
variable (docs/deployment.md lists them); the defaults suit the machines here (PostgreSQL on
127.0.0.1:5432 with user postgres, Redis on 127.0.0.1:6379).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import ONE_MATH_THREAD, ROOT, Process, Stack, action_server_process, http_ok, port_is_free  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/send_directory"
DEFAULT_TRACKER_URL = "postgresql://postgres@127.0.0.1:5432/send_tracker"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _ports(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(",") if p.strip())


@dataclass
class ScaledStack(Stack):
    """``Stack`` with N directory replicas and N Rasa replicas on PostgreSQL + Redis."""

    web_ports: tuple[int, ...] = (8000, 8001)
    rasa_ports: tuple[int, ...] = (5005, 5006)
    database_url: str = DEFAULT_DATABASE_URL
    tracker_url: str = DEFAULT_TRACKER_URL
    redis_url: str = DEFAULT_REDIS_URL
    redis_lock_db: int = 1
    # The directory's app factory; tests pass one that injects a fake embedder.
    app_factory: str = "directory.app:create_app"
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.web_port = self.web_ports[0]
        if self.rasa_ports:
            self.rasa_port = self.rasa_ports[0]

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.web_ports]

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.rasa_ports]

    def child_env(self) -> dict[str, str]:
        tracker = urlsplit(self.tracker_url)
        redis = urlsplit(self.redis_url)
        scaled = {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SEND_TRACKER_DB_HOST": tracker.hostname or "127.0.0.1",
            "SEND_TRACKER_DB_PORT": str(tracker.port or 5432),
            "SEND_TRACKER_DB_NAME": tracker.path.lstrip("/") or "send_tracker",
            "SEND_TRACKER_DB_USER": tracker.username or "postgres",
            "SEND_TRACKER_DB_PASSWORD": tracker.password or "",
            "SEND_REDIS_HOST": redis.hostname or "127.0.0.1",
            "SEND_REDIS_PORT": str(redis.port or 6379),
            "SEND_REDIS_LOCK_DB": str(self.redis_lock_db),
            "SEND_RETENTION_DAYS": os.environ.get("SEND_RETENTION_DAYS", "30"),
        }
        # Over the inherited environment, under the caller's own overrides (self.env).
        return {**super().child_env(), **scaled, **self.env}

    def build(self) -> list[Process]:
        env = self.child_env()
        origin = env["SEND_PUBLIC_ORIGIN"]
        rasa_bin = str(ROOT / ".venv-rasa" / "bin")
        index_root = Path(env.get("SEND_INDEX_DIR", ROOT / "var" / "index"))
        processes = []
        if self.rasa_ports:
            processes.append(action_server_process(self.actions_port))
        for n, web_port in enumerate(self.web_ports, start=1):
            # Each directory replica talks to "its" Rasa replica (in production a load balancer sits here)
            # and keeps its own copy of the search index, as it would on its own machine.
            rasa_url = (
                f"http://127.0.0.1:{self.rasa_ports[(n - 1) % len(self.rasa_ports)]}"
                if self.rasa_ports
                else env["SEND_RASA_URL"]
            )
            per_replica = [
                f"SEND_WEB_PORT={web_port}",
                f"SEND_RASA_URL={rasa_url}",
                f"SEND_INDEX_DIR={index_root / f'replica-{web_port}'}",
            ]
            processes.append(
                Process(
                    f"directory web app {n}",
                    [
                        "/usr/bin/env",
                        *per_replica,
                        str(ROOT / ".venv" / "bin" / "python"),
                        "-m",
                        "uvicorn",
                        self.app_factory,
                        "--factory",
                        "--host",
                        self.host,
                        "--port",
                        str(web_port),
                        "--no-access-log",
                    ],
                    web_port,
                    "/health",
                )
            )
        for n, rasa_port in enumerate(self.rasa_ports, start=1):
            processes.append(
                Process(
                    f"Rasa server {n}",
                    [
                        f"{rasa_bin}/rasa",
                        "run",
                        "--model",
                        str(ROOT / "models" / "send-assistant.tar.gz"),
                        "--endpoints",
                        str(ROOT / "bot" / "endpoints.scaled.yml"),
                        "--credentials",
                        str(ROOT / "bot" / "credentials.yml"),
                        "--port",
                        str(rasa_port),
                        "--interface",
                        self.host,
                        "--cors",
                        origin,
                    ],
                    rasa_port,
                    "/",
                    extra_env=dict(ONE_MATH_THREAD),
                )
            )
        return processes

    def check_ports(self) -> None:
        for port in (*self.web_ports, *self.rasa_ports, *((self.actions_port,) if self.rasa_ports else ())):
            if not port_is_free(port):
                raise SystemExit(
                    f"Port {port} is already in use, so the scaled stack cannot start. Stop whatever uses it "
                    f"(`ss -ltnp | grep :{port}`) or choose other ports with SEND_WEB_PORTS, SEND_RASA_PORTS "
                    "and SEND_ACTIONS_PORT."
                )

    def prepare(self, load: bool = True) -> None:
        """Creates the databases if missing, then migrates and loads the directory (idempotent)."""
        for url in (self.database_url, self.tracker_url):
            ensure_database(url)
        if not load:
            return
        env = self.child_env()
        python = str(ROOT / ".venv" / "bin" / "python")
        # No index here: each directory replica builds (or reloads) its own copy when it starts.
        for verb in (["migrate"], ["load", "--no-index"]):
            subprocess.run(
                [python, "-m", "directory", *verb], cwd=ROOT, env=env, check=True, stdout=sys.stderr
            )

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    # Start-up in parts, so nothing waits for what it does not need: the Rasa replicas (which take minutes to
    # load their model on 2 cores) start while the directory database is migrated and loaded, and a caller
    # can use the directory replicas (seconds) before the Rasa replicas are ready.

    @property
    def rasa_side(self) -> list[str]:
        """Names of the processes that do not need the directory database to start."""
        return [p.name for p in self.processes or self.build() if not p.name.startswith("directory")]

    def launch(self, names: list[str] | None = None) -> None:
        """Starts the named processes (default: every one not started yet) without waiting for them."""
        if not self.processes:
            self.check_ports()
            self.log_dir.mkdir(parents=True, exist_ok=True)
            self.processes = self.build()
        env = self.child_env()
        for proc in self.processes:
            if proc.popen is not None or (names is not None and proc.name not in names):
                continue
            log = open(self.log_dir / f"{proc.name.replace(' ', '-')}.log", "ab")  # noqa: SIM115
            try:
                proc.popen = subprocess.Popen(
                    proc.command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            finally:
                log.close()  # the child holds its own copy

    def launch_prepared(self, load: bool = True) -> None:
        """Creates the databases, launches the Rasa side, migrates and loads the directory, then launches the
        directory replicas; waits for none of them (see wait()). Stops what it started if it fails."""
        try:
            self.prepare(load=False)
            self.launch(self.rasa_side)
            self.prepare(load=load)
            self.launch()
        except BaseException:
            self.stop()
            raise

    def wait(self, names: list[str] | None = None, timeout: float = 240.0) -> None:
        """Waits until the named processes (default: all) answer their health check; raises if one dies."""
        waiting = [p for p in self.processes if names is None or p.name in names]
        deadline = time.monotonic() + timeout
        while waiting:
            for proc in list(waiting):
                if proc.popen is None or proc.popen.poll() is not None:
                    raise RuntimeError(f"The {proc.name} stopped while starting:\n{self.log_tail(proc)}")
                if http_ok(proc.health_url):
                    waiting.remove(proc)
            if waiting and time.monotonic() > deadline:
                tails = "\n".join(self.log_tail(p) for p in waiting)
                raise RuntimeError(
                    f"Timed out after {timeout:.0f} s waiting for: "
                    f"{', '.join(p.name for p in waiting)}\n{tails}"
                )
            time.sleep(0.3)

    def start(self, timeout: float = 240.0, *, prepare: bool = False, load: bool = True) -> None:
        """Starts everything and waits until every process is healthy; with ``prepare``, creates, migrates
        and loads the databases too (see launch_prepared)."""
        if prepare:
            self.launch_prepared(load=load)
        else:
            self.launch()
        try:
            self.wait(timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to each process group, SIGKILL after ``grace`` seconds; children of a process that already
        died (its group) are killed too, so nothing is left running."""
        groups = [p.popen.pid for p in self.processes if p.popen is not None]
        for pgid in reversed(groups):
            _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes:
            if proc.popen is None:
                continue
            try:
                proc.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        while any(_group_alive(g) for g in groups) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pgid in groups:
            _signal_group(pgid, signal.SIGKILL)
        for proc in self.processes:
            if proc.popen is not None and proc.popen.poll() is None:
                proc.popen.wait(5)

    def survivors(self) -> list[int]:
        """Process groups started by this stack that still have a live process (empty after stop())."""
        return [p.popen.pid for p in self.processes if p.popen is not None and _group_alive(p.popen.pid)]


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    """True while any process of the group is alive and not a zombie."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


def ensure_database(url: str) -> bool:
    """Creates the database named in ``url`` when it does not exist; returns True when it created it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/")))
        )


def throwaway(
    tmp: Path,
    *,
    prefix: str = "send_tmp",
    server: str = "postgres@127.0.0.1:5432",
    redis: str = "redis://127.0.0.1:6379/13",
    redis_lock_db: int = 14,
    env: dict[str, str] | None = None,
    **options: Any,
) -> ScaledStack:
    """A ScaledStack on free ports with its own new databases (for tests and benchmarks; see drop())."""
    from scripts.stack import free_port

    tag = uuid.uuid4().hex[:8]
    stack = ScaledStack(
        web_ports=options.get("web_ports") or (free_port(), free_port()),
        rasa_ports=options["rasa_ports"] if "rasa_ports" in options else (free_port(), free_port()),
        actions_port=options.get("actions_port") or free_port(),
        database_url=f"postgresql+psycopg://{server}/{prefix}_dir_{tag}",
        tracker_url=f"postgresql://{server}/{prefix}_tracker_{tag}",
        redis_url=redis,
        redis_lock_db=redis_lock_db,
        log_dir=tmp / "logs",
        env={"SEND_INDEX_DIR": str(tmp / "index"), "SEND_ENV": "test", **(env or {})},
        app_factory=options.get("app_factory", "directory.app:create_app"),
    )
    return stack


def drop(stack: ScaledStack) -> None:
    """Drops a throwaway stack's databases (after stop())."""
    for url in (stack.database_url, stack.tracker_url):
        drop_database(url)


def from_environment() -> ScaledStack:
    return ScaledStack(
        web_ports=_ports(os.environ.get("SEND_WEB_PORTS", "8000,8001")),
        rasa_ports=_ports(os.environ.get("SEND_RASA_PORTS", "5005,5006")),
        actions_port=int(os.environ.get("SEND_ACTIONS_PORT", 5055)),
        host=os.environ.get("SEND_WEB_HOST", "127.0.0.1"),
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        tracker_url=os.environ.get("SEND_TRACKER_URL", DEFAULT_TRACKER_URL),
        redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        redis_lock_db=int(os.environ.get("SEND_REDIS_LOCK_DB", 1)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-load", action="store_true", help="skip migrating and loading the directory")
    args = parser.parse_args(argv)
    stack = from_environment()
    print(
        f"[run-scaled] PostgreSQL: {stack.database_url} and {stack.tracker_url}; Redis: {stack.redis_url}",
        flush=True,
    )
    try:
        stack.check_ports()
        print(
            f"[run-scaled] migrating and loading the directory; starting {len(stack.web_ports)} directory "
            f"replicas, 1 action server and {len(stack.rasa_ports)} Rasa replicas "
            f"(logs in {stack.log_dir})...",
            flush=True,
        )
        stack.start(prepare=True, load=not args.no_load)
    except KeyboardInterrupt:  # Ctrl-C while preparing or starting: start() has stopped what it started
        print("\n[run-scaled] stopped before it was ready.", file=sys.stderr)
        return 130
    except (RuntimeError, SystemExit, subprocess.CalledProcessError, OSError) as exc:
        print(f"[run-scaled] {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # psycopg errors: PostgreSQL not running or refusing the user
        print(f"[run-scaled] cannot prepare PostgreSQL: {exc}", file=sys.stderr)
        return 1
    lines = [
        f"  Directory replica {n}:  {url}/   (staff: {url}/staff, health: {url}/health)"
        for n, url in enumerate(stack.web_urls, start=1)
    ]
    lines += [f"  Rasa replica {n}:       {url}/" for n, url in enumerate(stack.rasa_urls, start=1)]
    lines.append(f"  Action server:        {stack.actions_url}/health")
    print(
        "\n[run-scaled] The scaled SEND Local Offer Assistant is running.\n"
        + "\n".join(lines)
        + "\nPut a load balancer in front of the replicas to use them as one site (docs/deployment.md)."
        + "\nPress Ctrl-C to stop them all.",
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
                print(
                    f"[run-scaled] the {proc.name} stopped unexpectedly.\n{stack.log_tail(proc)}",
                    file=sys.stderr,
                )
                stopping, exit_code = True, 1
        time.sleep(0.5)
    print("\n[run-scaled] stopping...", flush=True)
    stack.stop()
    print("[run-scaled] stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
