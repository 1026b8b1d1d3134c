"""Redact serialised Rasa events (``event.as_dict()``) before they are stored or streamed. Pure stdlib."""

from __future__ import annotations

from collections.abc import Iterable

from send_common.redaction import TAGS, Span, find_personal_data, redact, redact_value, remove_echoes


def _redact_entities(entities: list, spans: list[tuple[str, Span]], echoes: list) -> list:
    out = []
    for ent in entities or []:
        ent = dict(ent)
        s, e = ent.get("start"), ent.get("end")
        located = isinstance(s, int) and isinstance(e, int)
        hit = next((k for k, (ps, pe) in spans if located and s < pe and e > ps), None)
        if hit:
            ent["value"] = TAGS.get(hit, f"[{hit}]")
        elif isinstance(ent.get("value"), str):
            ent["value"] = remove_echoes(redact(ent["value"]), echoes)
        out.append(ent)
    return out


def redact_event(
    event: dict, *, echoes: Iterable[tuple[str, str]] = (), keep_slots: Iterable[str] = ()
) -> dict:
    """A copy of a serialised Rasa event (``event.as_dict()``) with personal data removed.

    User text, ``parse_data`` (text, entities, response-selector echoes) and metadata are redacted;
    entity values that overlapped redacted text become the tag; bot text and data only lose ``echoes``
    (personal data the user typed), so public service numbers in answers survive; string slot values
    are redacted unless the slot is in ``keep_slots`` (ordinary dates stay in slots: the bot's forms set
    them, e.g. the EHCP request date; dates of birth do not).
    """
    echoes = list(echoes)
    ev = dict(event)
    kind = ev.get("event")
    if kind == "user":
        original = ev.get("text") or ""
        spans = find_personal_data(original)
        ev["text"] = redact(original)
        if isinstance(ev.get("parse_data"), dict):
            pd = dict(ev["parse_data"])
            ents = _redact_entities(pd.pop("entities", []), spans, echoes)
            pd = redact_value(pd, echoes=echoes)
            pd["entities"] = ents
            ev["parse_data"] = pd
        if ev.get("metadata"):
            ev["metadata"] = redact_value(ev["metadata"], echoes=echoes)
    elif kind == "bot":
        ev["text"] = remove_echoes(ev.get("text"), echoes)
        if ev.get("data"):
            ev["data"] = _echo_only(ev["data"], echoes)
    elif kind == "slot" and ev.get("name") not in set(keep_slots):
        ev["value"] = redact_value(ev.get("value"), echoes=echoes, keep=("date",))
    elif kind == "entities":
        ev["entities"] = _redact_entities(ev.get("entities", []), [], echoes)
    return ev


def _echo_only(value: object, echoes: list) -> object:
    if isinstance(value, str):
        return remove_echoes(value, echoes)
    if isinstance(value, dict):
        return {k: _echo_only(v, echoes) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_echo_only(v, echoes) for v in value]
    return value
