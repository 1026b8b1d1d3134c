"""Saving and loading the dense index: ``faiss`` serialisation plus a JSON metadata file, never pickle.

Crash-safe: each save writes a new ``dense-<generation>.faiss``, then atomically replaces ``dense.json``
(which names that file), then deletes older index files. Whenever the process stops, the metadata on
disk names a complete index file. A snapshot is taken under the service's lock (a memory copy) and
written outside it, so searches never wait for the disk.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from directory.search.index import DenseIndex, Passage

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
META_FILE = "dense.json"
INDEX_PREFIX = "dense-"
INDEX_SUFFIX = ".faiss"


class IndexFileError(Exception):
    """The saved index is missing, unreadable or does not match its metadata."""


@dataclass(frozen=True)
class Snapshot:
    data: np.ndarray  # the serialised FAISS index (uint8)
    meta: dict


def snapshot(dense: DenseIndex, meta: Mapping[str, object]) -> Snapshot:
    data = faiss.serialize_index(dense.index)
    document = {
        **meta,
        "format": FORMAT_VERSION,
        "dim": dense.dim,
        "index_bytes": int(data.nbytes),
        "next_id": dense.next_id,
        "doc_ids": list(dense.doc_passages),
        "passages": [[pid, p.doc_id, p.kind] for pid, p in dense.passages.items()],
    }
    return Snapshot(data, document)


def write(directory: Path, snap: Snapshot) -> Path:
    """Write a snapshot; returns the index file written."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{INDEX_PREFIX}{uuid.uuid4().hex[:12]}{INDEX_SUFFIX}"
    index_path = directory / name
    with open(index_path, "wb") as handle:
        handle.write(snap.data.tobytes())
        handle.flush()
        os.fsync(handle.fileno())
    tmp_meta = directory / (META_FILE + ".tmp")
    tmp_meta.write_text(json.dumps({**snap.meta, "index_file": name}), encoding="utf-8")
    os.replace(tmp_meta, directory / META_FILE)
    for old in directory.glob(f"{INDEX_PREFIX}*{INDEX_SUFFIX}"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return index_path


def save(directory: Path, dense: DenseIndex, meta: Mapping[str, object]) -> Path:
    return write(directory, snapshot(dense, meta))


def read_meta(directory: Path) -> dict:
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"cannot read {META_FILE}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise IndexFileError("unknown metadata format")
    return meta


def index_path(directory: Path, meta: Mapping[str, object]) -> Path:
    name = str(meta.get("index_file", ""))
    if not (name.startswith(INDEX_PREFIX) and name.endswith(INDEX_SUFFIX) and "/" not in name):
        raise IndexFileError("the metadata names no index file")
    return directory / name


def load(directory: Path, meta: dict) -> DenseIndex:
    """The saved index, checked against its metadata (size, type, dimension, row ids)."""
    path = index_path(directory, meta)
    try:
        if path.stat().st_size != meta["index_bytes"]:
            raise IndexFileError("index file size does not match its metadata")
        raw = faiss.read_index(str(path))
        dense = DenseIndex(int(meta["dim"]))
        if not isinstance(raw, faiss.IndexIDMap2) or raw.d != dense.dim:
            raise IndexFileError("unexpected index type or dimension")
        passages = meta["passages"]
        stored_ids = faiss.vector_to_array(raw.id_map)
        if sorted(stored_ids.tolist()) != sorted(int(p[0]) for p in passages):
            raise IndexFileError("index rows do not match the passage map")
        dense.index = raw
        for pid, doc_id, kind in passages:
            dense.passages[int(pid)] = Passage(str(doc_id), str(kind))
            dense.doc_passages.setdefault(str(doc_id), []).append(int(pid))
        dense.set_kinds([int(p[0]) for p in passages], [str(p[2]) for p in passages])
        for doc_id in meta["doc_ids"]:
            dense.doc_passages.setdefault(str(doc_id), [])
        dense.next_id = int(meta["next_id"])
    except IndexFileError:
        raise
    except (OSError, RuntimeError, KeyError, TypeError, ValueError) as exc:
        raise IndexFileError(f"cannot read {path.name}: {exc}") from exc
    return dense


def load_matching(directory: Path, expected: Mapping[str, object]) -> tuple[DenseIndex, dict] | None:
    """The saved index and its metadata if readable and made as ``expected`` (model, dim, scheme)."""
    try:
        meta = read_meta(directory)
        for field, value in expected.items():
            if meta.get(field) != value:
                raise IndexFileError(f"{field} is {meta.get(field)!r}, want {value!r}")
        return load(directory, meta), meta
    except IndexFileError as exc:
        log.info("search index will be rebuilt: %s", exc)
        return None


class Saver:
    """Writes snapshots to disk: now (``save_now``) or soon after a change, on a background thread.

    ``take`` is called with the caller's lock held by the caller's own code and returns a snapshot (or
    None when there is nothing to write); the write happens outside that lock. One write at a time.
    """

    DELAY_SECONDS = 0.2  # several edits in a burst are written once

    def __init__(self, directory: Path, take) -> None:
        self.directory = directory
        self._take = take
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.writes = 0

    def save_now(self) -> None:
        with self._write_lock:
            snap = self._take()
            if snap is not None:
                write(self.directory, snap)
                self.writes += 1

    def save_soon(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="search-index-saver", daemon=True)
            self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.DELAY_SECONDS)
            self._wake.clear()
            try:
                self.save_now()
            except Exception:  # a full disk must not stop searching; the next start rebuilds what is missing
                log.exception("could not save the search index to %s", self.directory)
