"""Places: which towns a recorded service area covers, and which recorded areas cover a place.

A service recorded for "Sefton" covers every Sefton town and both health areas; one recorded for
"South Sefton" covers that health area's towns. Matching ignores case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def norm(text: str) -> str:
    return " ".join(text.replace("&", " and ").lower().split())


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        if name and norm(name) not in seen:
            seen.add(norm(name))
            result.append(name)
    return result


@dataclass(frozen=True)
class CouncilAreas:
    key: str
    name: str
    towns: tuple[str, ...] = ()
    health_areas: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def short_name(self) -> str:
        """ "Sefton Council" → "Sefton"."""
        for suffix in (" Metropolitan Borough Council", " Borough Council", " City Council", " Council"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name

    def is_council_wide(self, area: str) -> bool:
        return norm(area) in {norm(self.key), norm(self.name), norm(self.short_name)}

    def health_area_of(self, area: str) -> str | None:
        for health_area in self.health_areas:
            if norm(health_area) == norm(area):
                return health_area
        return None

    def health_areas_containing(self, town: str) -> list[str]:
        return [h for h, towns in self.health_areas.items() if norm(town) in {norm(t) for t in towns}]

    def knows(self, area: str) -> bool:
        return (
            self.is_council_wide(area)
            or self.health_area_of(area) is not None
            or norm(area) in {norm(t) for t in self.towns}
        )

    def expand(self, area: str) -> list[str]:
        """Every place name a service recorded for ``area`` covers (the area itself first)."""
        if self.is_council_wide(area):
            all_towns = [t for towns in self.health_areas.values() for t in towns]
            return _unique([self.short_name, self.name, *self.health_areas, *self.towns, *all_towns])
        health_area = self.health_area_of(area)
        if health_area is not None:
            return _unique([health_area, *self.health_areas[health_area]])
        return [area]

    def ancestors(self, area: str) -> list[str]:
        """Larger areas that contain ``area``: a town's health area(s) and the council."""
        if self.is_council_wide(area):
            return []
        containing = [] if self.health_area_of(area) else self.health_areas_containing(area)
        return _unique([*containing, self.short_name, self.name])

    def related(self, area: str) -> list[str]:
        """Every place name that overlaps ``area``: the places inside it and the areas around it."""
        return _unique([*self.expand(area), *self.ancestors(area)])


def council_areas_from(council) -> CouncilAreas:
    """Build from a ``models.Council`` row (or anything with the same attributes)."""
    return CouncilAreas(
        key=council.key,
        name=council.name,
        towns=tuple(council.areas or ()),
        health_areas={k: tuple(v or ()) for k, v in (council.health_areas or {}).items()},
    )


def related_areas(recorded: Iterable[str], council: CouncilAreas | None) -> list[str]:
    """What a search document's ``areas`` holds: the recorded areas, the places inside them and the
    areas around them, so a filter on any of those names finds the entry."""
    names = list(recorded)
    if council is None:
        return _unique(names)
    return _unique(place for area in names for place in council.related(area))


def area_matches(recorded_area: str, query: str, council: CouncilAreas | None) -> bool:
    """Does a figure or service recorded for ``recorded_area`` apply to the place a person asked about?

    "Formby" matches "Southport and Formby" and "Sefton"; "Sefton" matches anything in Sefton.
    """
    if council is None:
        return norm(recorded_area) == norm(query)
    return norm(query) in {norm(place) for place in council.related(recorded_area)}
