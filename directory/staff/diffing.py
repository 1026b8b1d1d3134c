"""Field-by-field differences between two snapshots of an entry (plain JSON-able dicts)."""

from __future__ import annotations

from typing import Any

# Fields that change on every save and say nothing about the content.
IGNORED = {"version", "last_modified", "updated_at", "created_at"}


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if value == "":
        return None
    return value


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs (a missing snapshot counts as all-None)."""
    old, new = old or {}, new or {}
    changes: dict[str, list[Any]] = {}
    for field in sorted(set(old) | set(new)):
        if field in IGNORED:
            continue
        before, after = _norm(old.get(field)), _norm(new.get(field))
        if before in ("", [], None) and after in ("", [], None):
            continue
        if before != after:
            changes[field] = [old.get(field), new.get(field)]
    return changes


def display(value: Any) -> str:
    """A value as staff read it in the history and conflict tables."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(display(v) if not isinstance(v, str) else v for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(v)}" for k, v in value.items())
    return str(value)
