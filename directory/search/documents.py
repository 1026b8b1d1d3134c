"""What the search engine indexes: one flat, read-only document per directory entry.

The store builds these from the database (``directory.store.search_documents``); the search package never
touches the database itself, so keyword and dense retrieval behave the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from directory import vocab


@dataclass(frozen=True)
class SearchDocument:
    id: str
    key: str
    council: str
    status: str
    name: str
    description: str = ""
    eligibility: str = ""
    access: str = ""
    easy_read: str = ""
    also_known_as: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    # Already expanded by the store (council name, towns, health areas); matched case-insensitively.
    areas: list[str] = field(default_factory=list)
    minimum_age: int | None = None
    maximum_age: int | None = None


def fingerprint(doc: SearchDocument) -> str:
    """Changes when anything the embedding model reads changes (to re-embed only edited entries)."""
    fields = [doc.name, doc.description, doc.eligibility, doc.access, doc.easy_read, doc.also_known_as,
              doc.categories, doc.needs]  # fmt: skip
    return hashlib.sha1(json.dumps(fields).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


# --- what each retriever reads ------------------------------------------------------------------------


def norm_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.replace("&", " and ").lower()).strip("_")


def term_keys(kind: str, codes: list[str]) -> frozenset[str]:
    """Every spelling a filter may use for these taxonomy terms: code, label, and the term's UUID."""
    vocabulary = vocab.TAXONOMIES[kind][1]
    by_label = {norm_key(label): code for code, label in vocabulary.items()}
    keys: set[str] = set()
    for value in codes:
        code = norm_key(value)
        code = by_label.get(code, code)
        keys.add(code)
        if code in vocabulary:
            keys.add(norm_key(vocabulary[code]))
            keys.add(vocab.term_id(kind, code))
    return frozenset(keys)


def label(kind: str, code: str) -> str:
    """A term's words for people ("speech_language" → "Speech, language and communication")."""
    return vocab.TAXONOMIES[kind][1].get(code, code.replace("_", " "))


def topic_words(doc: SearchDocument) -> str:
    labels = [label("category", c) for c in doc.categories] + [label("need", n) for n in doc.needs]
    return ", ".join(dict.fromkeys(labels))


# Field weights for keyword matching (a simplified BM25F): a word in the name counts three times.
KEYWORD_FIELDS: tuple[tuple[str, float], ...] = (
    ("name", 3.0),
    ("also_known_as", 3.0),
    ("topics", 1.5),
    ("description", 1.0),
    ("eligibility", 1.0),
    ("access", 0.5),
    ("easy_read", 0.7),
    ("areas", 0.3),
)


def keyword_fields(doc: SearchDocument) -> dict[str, str]:
    return {
        "name": doc.name,
        "also_known_as": " ; ".join(doc.also_known_as),
        "topics": topic_words(doc),
        "description": doc.description,
        "eligibility": doc.eligibility,
        "access": doc.access,
        "easy_read": doc.easy_read,
        "areas": " ; ".join(doc.areas),
    }


# Passages for the embedding model: short, one field each, led by the name so every passage says what it is
# about. all-MiniLM-L6-v2 reads at most 256 word pieces; a long description is cut into ~90-word chunks.
PASSAGE_WORDS = 90
# How to get a service ("access") is left to keyword matching: in most entries it is the same few
# sentences (who refers, where to find contact details), which only blurs the dense ranking.
PASSAGE_KINDS = ("name", "about", "who", "topics", "easy_read")


def _chunks(text: str, limit: int = PASSAGE_WORDS) -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        words = sentence.split()
        while len(words) > limit:  # one very long sentence
            chunks.append(" ".join(words[:limit]))
            words = words[limit:]
        if current and len(current) + len(words) > limit:
            chunks.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        chunks.append(" ".join(current))
    return chunks


def passages(doc: SearchDocument) -> list[tuple[str, str]]:
    """(kind, text) pairs to embed for one document; acronyms get their spelled-out meaning."""
    from directory.search.synonyms import gloss

    name = doc.name.strip()
    out: list[tuple[str, str]] = []
    title = name if not doc.also_known_as else f"{name} (also called {', '.join(doc.also_known_as)})"
    out.append(("name", title))
    for chunk in _chunks(doc.description):
        out.append(("about", f"{name}: {chunk}"))
    if doc.eligibility.strip():
        for chunk in _chunks(doc.eligibility):
            out.append(("who", f"{name} is for: {chunk}"))
    topics = topic_words(doc)
    if topics:
        out.append(("topics", f"{name}. Help with: {topics}"))
    if doc.easy_read.strip():
        out.append(("easy_read", f"{name}: {_chunks(doc.easy_read)[0]}"))
    return [(kind, gloss(text, acronyms_only=True)) for kind, text in out]
