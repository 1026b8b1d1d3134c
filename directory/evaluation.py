"""Search quality on question sets, and the line-by-line search tool other programs call.

``python -m directory eval FILE.jsonl`` → ``run_eval``: hit@1, hit@3 and MRR@10 over the questions that name
expected entries, for keyword-only, dense-only and hybrid retrieval side by side, then the misses.
A hit is a result whose name contains one of the expected strings, ignoring case.

``python -m directory search --jsonl`` → ``run_search_jsonl``: one query per input line, one JSON line out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from directory.search.documents import SearchDocument

if TYPE_CHECKING:
    from directory.search.service import SearchService
    from directory.settings import Settings

MODES = ("keyword", "dense", "hybrid")
DEPTH = 10  # results read per question for MRR


@dataclass
class ModeResult:
    hits_at_1: int = 0
    hits_at_3: int = 0
    reciprocal_ranks: float = 0.0
    questions: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (id, text, top 3 names)

    def row(self) -> tuple[float, float, float]:
        n = self.questions or 1
        return self.hits_at_1 / n, self.hits_at_3 / n, self.reciprocal_ranks / n


def load_questions(path: Path | str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def council_named(text: str, councils: Iterable[str]) -> str | None:
    """The council a question names (the first one, if it names several), else None: no filter."""
    from directory.search.query import named_council

    return named_council(text, councils)


def first_hit(names: list[str], expected: list[str]) -> int | None:
    wanted = [e.lower() for e in expected]
    for rank, name in enumerate(names, start=1):
        if any(e in name.lower() for e in wanted):
            return rank
    return None


def evaluate(
    service: SearchService,
    questions: list[dict],
    modes: Iterable[str] = MODES,
    default_council: str | None = None,
) -> dict[str, ModeResult]:
    """Questions that name a council search that council; the others ``default_council`` (None: all)."""
    from directory.search.filters import SearchFilters

    councils = sorted({doc.council for doc in service.documents()})
    results = {mode: ModeResult() for mode in modes}
    for question in questions:
        expected = question.get("expect_entries") or []
        if not expected:
            continue
        council = council_named(question["text"], councils) or default_council
        filters = SearchFilters(council=council) if council else None
        for mode, result in results.items():
            hits = service.search(question["text"], filters, k=DEPTH, mode=mode)  # type: ignore[arg-type]
            names = [service.document(hit.id).name for hit in hits]
            rank = first_hit(names, expected)
            result.questions += 1
            result.hits_at_1 += rank == 1
            result.hits_at_3 += rank is not None and rank <= 3
            result.reciprocal_ranks += 1.0 / rank if rank else 0.0
            if rank is None or rank > 3:
                result.misses.append((question["id"], question["text"], names[:3]))
    return results


def report(results: dict[str, ModeResult], out: TextIO) -> None:
    n = next(iter(results.values())).questions if results else 0
    out.write(f"Search quality over {n} questions with expected entries (MRR over the top {DEPTH})\n\n")
    out.write(f"| {'mode':<8} | hit@1 | hit@3 |  MRR  |\n|----------|-------|-------|-------|\n")
    for mode, result in results.items():
        h1, h3, mrr = result.row()
        out.write(f"| {mode:<8} | {h1:.3f} | {h3:.3f} | {mrr:.3f} |\n")
    for mode, result in results.items():
        if result.misses:
            out.write(f"\nNot in the top 3 ({mode}):\n")
            for qid, text, top in result.misses:
                out.write(f"  {qid}: {text[:80]!r} → {top}\n")


# --- where the documents come from --------------------------------------------------------------------


def documents_from_database(settings: Settings) -> tuple[list[SearchDocument], str]:
    from directory import store
    from directory.db import Database

    db = Database(settings.database_url)
    try:
        with db.session() as session:
            return store.search_documents(session=session), store.corpus_revision(session=session)
    finally:
        db.dispose()


def build_service(settings: Settings) -> SearchService:
    """The real engine over the database's published entries, index loaded from disk or built."""
    from directory.search.service import create_search_service

    docs, revision = documents_from_database(settings)
    service = create_search_service(settings)
    service.load_or_build(docs, revision)
    return service


def run_eval(
    settings: Settings,
    path: Path | str,
    out: TextIO,
    default_council: str | None = None,
    service: SearchService | None = None,
) -> dict[str, ModeResult]:
    """Questions naming a council search that council; the others ``default_council``, which defaults to the
    product's (``settings.default_council``, as the assistant searches): pass "" to search every council."""
    if default_council is None:
        default_council = settings.default_council
    service = service or build_service(settings)
    if not len(service):
        out.write("The directory is empty: run `python -m directory load` first.\n")
        return {}
    results = evaluate(service, load_questions(path), default_council=default_council or None)
    out.write(f"Questions that name no council search {default_council or 'every council'}.\n")
    report(results, out)
    return results


def run_search_jsonl(
    settings: Settings, stdin: TextIO, stdout: TextIO, k: int = 5, service: SearchService | None = None
) -> int:
    """One query per line in, one ``{"query", "results": [{"id", "name", "score"}]}`` line out.

    As in the API without a council: the council a query names, else the default council, ranks first.
    """
    service = service or build_service(settings)
    prefer = settings.default_council if settings is not None else None
    count = 0
    for line in stdin:
        query = line.rstrip("\r\n")
        # a blank line still gets its output line
        hits = service.search(query, k=k, prefer_council=prefer) if query.strip() else []
        results = [
            {"id": hit.id, "name": service.document(hit.id).name, "score": round(hit.score, 6)}
            for hit in hits
        ]
        stdout.write(json.dumps({"query": query, "results": results}, ensure_ascii=False) + "\n")
        stdout.flush()
        count += 1
    return count
