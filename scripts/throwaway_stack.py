"""The whole stack on free ports with throw-away stores (directory SQLite, search index, Rasa tracker):
what the end-to-end tests, `make eval-bot` and the turn benchmark run against.

The curated data is loaded first (`python -m directory load`), so the directory answers as `make run`'s
does, but nothing under var/ is touched and the usual ports stay free.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from scripts.stack import ROOT, Stack, free_port

MODEL = ROOT / "models" / "send-assistant.tar.gz"
S = TypeVar("S", bound=Stack)


def throwaway_env(folder: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'directory.db'}",
        "SEND_INDEX_DIR": str(folder / "index"),
        "SEND_TRACKER_DB": str(folder / "tracker.db"),
        "SEND_ENV": "test",
        "SEND_RATE_LIMIT_PER_MINUTE": "1000",
    }


def launch(folder: Path, stack_class: type[S] = Stack, extra_env: dict[str, str] | None = None) -> S:  # type: ignore[assignment]
    """Loads the curated data into `folder` and starts the three processes (logs in `folder/logs`)."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    env = {**throwaway_env(folder), **(extra_env or {})}
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "directory", "load"],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        check=True,
        stdout=sys.stderr,
    )
    stack = stack_class(
        web_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        log_dir=folder / "logs",
        env=env,
    )
    stack.start()
    return stack


@contextmanager
def throwaway_stack(stack_class: type[S] = Stack, extra_env: dict[str, str] | None = None) -> Iterator[S]:  # type: ignore[assignment]
    """A started stack in a temporary folder, stopped and removed on exit."""
    with tempfile.TemporaryDirectory(prefix="send-stack-") as folder:
        stack = launch(Path(folder), stack_class, extra_env)
        try:
            yield stack
        finally:
            stack.stop()
