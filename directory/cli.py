"""``python -m directory <command>``. One function per command; other parts add theirs through
``EXTENSIONS`` (a module with ``register(subparsers)``, e.g. the staff area's ``create-staff``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import logging
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from directory.settings import Settings, get_settings

EXTENSIONS = ("directory.staff.cli",)
Handler = Callable[[argparse.Namespace, Settings], int]


def _database(settings: Settings):
    from directory.db import Database

    return Database(settings.database_url)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from directory import migrations

    db = _database(settings)
    migrations.upgrade(db.engine)
    print(f"Database at revision {migrations.current_revision(db.engine)} ({db.backend}).")
    db.dispose()
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from directory import indexing
    from directory.datafiles import DataFileError
    from directory.loader import migrate_and_load

    db = _database(settings)
    try:
        report = migrate_and_load(db, Path(args.data_dir or settings.data_dir))
    except DataFileError as exc:
        print(f"Could not load the data files:\n{exc}", file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    if not args.no_index:
        search = indexing.build_index(settings, db)
        print(f"Search index: {len(search)} entries at revision {search.revision} ({search.loaded_from}).")
    db.dispose()
    return 0


def cmd_build_index(args: argparse.Namespace, settings: Settings) -> int:
    from directory import indexing

    db = _database(settings)
    search = indexing.build_index(settings, db, rebuild=args.rebuild)
    print(
        f"Search index: {len(search)} entries at revision {search.revision} ({search.loaded_from}), "
        f"saved in {settings.index_dir}."
    )
    db.dispose()
    return 0


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    host, port = args.host or settings.host, args.port or settings.port
    if not port_free(host, port):
        print(
            f"Port {port} on {host} is already in use. Stop whatever is using it, or set SEND_WEB_PORT "
            f"to another port.",
            file=sys.stderr,
        )
        return 1
    uvicorn.run("directory.app:create_app", factory=True, host=host, port=port, log_level="info")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from directory.evaluation import run_search_jsonl

    stdin = sys.stdin if args.jsonl or not args.query else io.StringIO(" ".join(args.query) + "\n")
    run_search_jsonl(settings, stdin, sys.stdout)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from directory.evaluation import run_eval

    if not Path(args.file).exists():
        print(f"No such question file: {args.file}", file=sys.stderr)
        return 2
    run_eval(settings, args.file, sys.stdout)
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from directory.stats import directory_stats, format_stats

    db = _database(settings)
    with db.session() as session:
        print(format_stats(directory_stats(session)))
    db.dispose()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m directory", description="SEND Local Offer directory.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    add("migrate", cmd_migrate, "bring the database schema up to date")
    load = add("load", cmd_load, "migrate, load the curated data files, update the search index")
    load.add_argument("--data-dir", help="data folder (default: SEND_DATA_DIR)")
    load.add_argument("--no-index", action="store_true", help="skip the search index (no model needed)")
    build = add("build-index", cmd_build_index, "load the saved search index or build it from the database")
    build.add_argument(
        "--rebuild", action="store_true", help="build from scratch even if the saved one matches"
    )
    serve = add("serve", cmd_serve, "run the web app (uvicorn)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    search = add("search", cmd_search, "search from the command line")
    search.add_argument("--jsonl", action="store_true", help="one query per stdin line, one JSON line out")
    search.add_argument("query", nargs="*", help="a single query (instead of --jsonl)")
    evaluate = add("eval", cmd_eval, "hit@1, hit@3 and MRR for keyword, dense and hybrid search")
    evaluate.add_argument("file", help="questions in JSON lines (like ../shared/eval/dev_questions.jsonl)")
    add("stats", cmd_stats, "counts of entries, figures, gaps and feedback")
    for name in EXTENSIONS:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic.runtime.plugins", "faiss.loader"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return args.handler(args, settings or get_settings())
