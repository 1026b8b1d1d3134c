"""``python -m directory create-staff``: password from stdin only, weak ones refused, never echoed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args, stdin: str):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
        "SEND_ENV": "test",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "directory", "create-staff", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_create_staff_reads_the_password_from_stdin_and_refuses_weak_ones(tmp_path):
    weak = run(tmp_path, "--email", "a@sefton.example.gov.uk", "--role", "admin", stdin="password123\n")
    assert weak.returncode == 2 and "at least 12 characters" in weak.stderr
    good = "lantern marble cobalt orchard"
    made = run(tmp_path, "--email", "Admin@Sefton.example.gov.uk", "--role", "admin", stdin=good + "\n")
    assert made.returncode == 0, made.stderr
    assert good not in made.stdout + made.stderr
    with create_engine(f"sqlite:///{tmp_path / 'd.db'}").connect() as connection:
        email, role, stored = connection.execute(
            text("select email, role, password_hash from staff_user")
        ).one()
    assert (email, role) == ("admin@sefton.example.gov.uk", "admin")
    assert stored.startswith("$argon2id$") and good not in stored
    again = run(tmp_path, "--email", "admin@sefton.example.gov.uk", "--role", "admin", stdin=good + "\n")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_there_is_no_password_argument():
    from directory.cli import build_parser

    parser = build_parser()
    sub = next(
        a for a in parser._subparsers._group_actions[0].choices.values() if a.prog.endswith("create-staff")
    )
    assert not any("password" in opt for action in sub._actions for opt in action.option_strings)
