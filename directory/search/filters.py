"""Structured filters (council, category, need, area, ages, taxonomy term) as in-memory inverted maps.

Both retrievers are restricted to the allowed set before fusion, so a filter never empties a result
list that fusion would otherwise have filled.
"""

from __future__ import annotations

from dataclasses import dataclass

from directory.search.documents import SearchDocument, norm_key, term_keys


@dataclass
class SearchFilters:
    council: str | None = None
    category: str | None = None
    need: str | None = None
    area: str | None = None
    age: int | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    taxonomy_term_id: str | None = None  # a category or need: code, label or term UUID

    def is_empty(self) -> bool:
        return all(value is None or value == "" for value in vars(self).values())


def _area_key(text: str) -> str:
    return " ".join(text.replace("&", " and ").lower().split())


class FilterIndex:
    def __init__(self) -> None:
        self._maps: dict[str, dict[str, set[str]]] = {
            "council": {}, "category": {}, "need": {}, "term": {}, "area": {},
        }  # fmt: skip
        self._keys: dict[str, dict[str, list[str]]] = {}
        self._ages: dict[str, tuple[int | None, int | None]] = {}

    def add(self, doc: SearchDocument) -> None:
        self.remove(doc.id)
        categories = term_keys("category", doc.categories)
        needs = term_keys("need", doc.needs)
        keys = {
            "council": [doc.council.lower()],
            "category": sorted(categories),
            "need": sorted(needs),
            "term": sorted(categories | needs),
            "area": sorted({_area_key(a) for a in doc.areas}),
        }
        for name, values in keys.items():
            for value in values:
                self._maps[name].setdefault(value, set()).add(doc.id)
        self._keys[doc.id] = keys
        self._ages[doc.id] = (doc.minimum_age, doc.maximum_age)

    def remove(self, doc_id: str) -> None:
        keys = self._keys.pop(doc_id, None)
        if keys is None:
            return
        for name, values in keys.items():
            for value in values:
                ids = self._maps[name][value]
                ids.discard(doc_id)
                if not ids:
                    del self._maps[name][value]
        del self._ages[doc_id]

    def councils(self) -> list[str]:
        """The councils that have entries (lower case)."""
        return list(self._maps["council"])

    def allowed(self, filters: SearchFilters | None) -> set[str] | None:
        """The ids passing every filter, or None when there are no filters (everything passes)."""
        if filters is None or filters.is_empty():
            return None
        wanted = [
            ("council", filters.council and filters.council.lower()),
            ("category", filters.category and norm_key(filters.category)),
            ("need", filters.need and norm_key(filters.need)),
            ("term", filters.taxonomy_term_id and _term_value(filters.taxonomy_term_id)),
            ("area", filters.area and _area_key(filters.area)),
        ]
        result: set[str] | None = None
        for name, value in wanted:
            if not value:
                continue
            ids = self._maps[name].get(value, set())
            result = set(ids) if result is None else result & ids
            if not result:
                return set()
        candidates = result if result is not None else self._ages.keys()
        if filters.age is None and filters.minimum_age is None and filters.maximum_age is None:
            return set(candidates)
        return {doc_id for doc_id in candidates if _ages_pass(self._ages[doc_id], filters)}


def _term_value(value: str) -> str:
    value = value.strip()
    return value.lower() if len(value) == 36 and value.count("-") == 4 else norm_key(value)


def _ages_pass(ages: tuple[int | None, int | None], filters: SearchFilters) -> bool:
    low = ages[0] if ages[0] is not None else 0
    high = ages[1] if ages[1] is not None else 200
    if filters.age is not None and not low <= filters.age <= high:
        return False
    query_low = filters.minimum_age if filters.minimum_age is not None else 0
    query_high = filters.maximum_age if filters.maximum_age is not None else 200
    return low <= query_high and query_low <= high
