"""``python -m directory create-staff --email x --role admin``: the password is read from stdin, never argv.

At a terminal it asks twice (hidden); from a pipe it reads the first line. Weak passwords are refused.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from directory.settings import Settings
from directory.staff.tables import ROLES


def create_staff(settings: Settings, *, email: str, role: str, password: str):
    """Creates one staff account (migrating the database first). Raises ``AccountError`` in plain words."""
    from directory import migrations
    from directory.db import Database
    from directory.staff import accounts

    db = Database(settings.database_url)
    try:
        migrations.upgrade(db.engine)
        with db.session() as session:
            user = accounts.create_user(session=session, email=email, password=password, role=role)
            return user.id
    finally:
        db.dispose()


def _read_password(stream=None) -> str:
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password (12 or more characters): ")
        if getpass.getpass("Same password again: ") != first:
            raise ValueError("The two passwords are different")
        return first
    return stream.readline().rstrip("\r\n")


def cmd_create_staff(args: argparse.Namespace, settings: Settings) -> int:
    from directory.staff.accounts import AccountError

    try:
        password = _read_password()
        create_staff(settings, email=args.email, role=args.role, password=password)
    except (AccountError, ValueError) as error:
        print(f"Not created: {error}", file=sys.stderr)
        return 2
    print(f"Staff account created: {args.email.strip().lower()} ({args.role}). Sign in at /staff.")
    return 0


def register(commands) -> None:
    sub = commands.add_parser(
        "create-staff",
        help="create a staff account (password from stdin)",
        description="Create a staff account. The password is read from stdin, never from the command line.",
    )
    sub.add_argument("--email", required=True)
    sub.add_argument("--role", choices=ROLES, default="editor")
    sub.set_defaults(handler=cmd_create_staff)
