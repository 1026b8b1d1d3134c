"""The public JSON API under /api: Open Referral UK 3.0 endpoints plus the product's own.

Read-only and open (``Access-Control-Allow-Origin: *``, added by ``create_app``), except the two small
write endpoints the assistant and the widget use: /api/gaps and /api/feedback.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from directory import oruk, store, terms, vocab
from directory.api.deps import (
    SessionDep,
    SettingsDep,
    check_council,
    check_taxonomy_term,
    check_term,
    get_search,
)
from directory.api.errors import ApiError
from directory.schemas import (
    ApiInfo,
    EhcpSteps,
    FeedbackIn,
    GapIn,
    HelpCardOut,
    Recorded,
    ServiceOut,
    ServicePage,
    TaxonomyOut,
    TaxonomyPage,
    TaxonomyTermOut,
    TaxonomyTermPage,
    WaitingTimes,
)
from directory.search.service import SearchFilters

MAX_SEARCH_CHARS = 500
MAX_SEARCH_RESULTS = 100  # a search ranks at most this many entries; pages are cut from them

router = APIRouter(prefix="/api")
oruk_router = dict(tags=["Open Referral UK 3.0"], response_model_exclude_unset=True)
product = dict(tags=["SEND Local Offer"], response_model_exclude_unset=True)


@router.get("/", response_model=ApiInfo, **oruk_router, summary="API version and profile")
def api_info(request: Request) -> dict:
    return {
        "version": vocab.ORUK_VERSION,
        "profile": vocab.ORUK_PROFILE,
        "openapi_url": request.app.openapi_url,
    }


def _search_text(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    if not text:
        raise ApiError(
            "The search text is empty. Type a few words, for example 'autism youth club'.", field="search"
        )
    if len(value) > MAX_SEARCH_CHARS:
        raise ApiError(
            f"The search text is too long: please use at most {MAX_SEARCH_CHARS} characters.", field="search"
        )
    return text


@router.get("/services", response_model=ServicePage, **oruk_router, summary="List or search services")
def list_services(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    search: str | None = Query(
        None, description="Words a family would type; results in hybrid-search order."
    ),
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(10, ge=1, le=100),
    taxonomy_term_id: str | None = Query(
        None, description="A category or need term id (see /api/taxonomy_terms)."
    ),
    minimum_age: int | None = Query(
        None, ge=0, le=120, description="Services for someone this age or older."
    ),
    maximum_age: int | None = Query(
        None, ge=0, le=120, description="Services for someone this age or younger."
    ),
    age: int | None = Query(None, ge=0, le=120, description="Services whose age range includes this age."),
    council: str | None = Query(None, max_length=40),
    category: str | None = Query(None, max_length=60),
    need: str | None = Query(None, max_length=60),
    area: str | None = Query(None, max_length=100, description="A town, health area or council area."),
) -> dict:
    text = _search_text(search)
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise ApiError("The minimum age is above the maximum age.", field="minimum_age")
    query = store.ServiceQuery(
        council=check_council(council, session),
        category=check_term("category", category),
        need=check_term("need", need),
        area=" ".join(area.split()) or None if area else None,
        age=age,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        taxonomy_term_id=check_taxonomy_term(taxonomy_term_id),
    )
    if text is None:
        total, services = store.list_services(query, session=session, page=page, per_page=per_page)
        contents = [oruk.service_json(s) for s in services]
        return oruk.page_json(contents, total=total, page=page, per_page=per_page)

    # Without a council filter every council's entries are searched, the default council's first.
    hits = get_search(request).search(
        text, SearchFilters(**vars(query)), k=MAX_SEARCH_RESULTS, prefer_council=settings.default_council
    )
    if not hits:
        store.record_unanswered(text, session=session, council=query.council, kind="search")
        session.commit()
    scores = {hit.id: hit.score for hit in hits}
    start = (page - 1) * per_page
    services = store.services_by_ids([h.id for h in hits[start : start + per_page]], session=session)
    contents = [oruk.service_json(s, score=scores[s.id]) for s in services]
    return oruk.page_json(contents, total=len(hits), page=page, per_page=per_page)


@router.get("/services/key/{key}", response_model=ServiceOut, **oruk_router, summary="One service by its key")
def service_by_key(key: str, session: SessionDep) -> dict:
    service = store.get_service_by_key(key, session=session)
    if service is None:
        raise ApiError(f"No published service has the key '{key[:120]}'.", status=404)
    return oruk.service_json(service, full=True)


@router.get(
    "/services/{service_id}", response_model=ServiceOut, **oruk_router, summary="One service, fully nested"
)
def service_by_id(service_id: str, session: SessionDep) -> dict:
    service = store.get_service(service_id, session=session)
    if service is None:
        raise ApiError(f"No published service has the id '{service_id[:60]}'.", status=404)
    return oruk.service_json(service, full=True)


def _paged(items: list[dict], page: int, per_page: int) -> dict:
    start = (page - 1) * per_page
    return oruk.page_json(items[start : start + per_page], total=len(items), page=page, per_page=per_page)


@router.get(
    "/taxonomies", response_model=TaxonomyPage, **oruk_router, summary="Taxonomies (categories, needs)"
)
def list_taxonomies(session: SessionDep, page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=100)):
    return _paged([oruk.taxonomy_json(t) for t in terms.taxonomies(session=session)], page, per_page)


@router.get("/taxonomies/{taxonomy_id}", response_model=TaxonomyOut, **oruk_router, summary="One taxonomy")
def one_taxonomy(taxonomy_id: str, session: SessionDep) -> dict:
    for taxonomy in terms.taxonomies(session=session):
        if taxonomy.id == taxonomy_id:
            return oruk.taxonomy_json(taxonomy)
    raise ApiError(f"No taxonomy has the id '{taxonomy_id[:60]}'.", status=404)


@router.get("/taxonomy_terms", response_model=TaxonomyTermPage, **oruk_router, summary="Taxonomy terms")
def list_taxonomy_terms(
    session: SessionDep,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=100),
    taxonomy_id: str | None = Query(None, max_length=36),
) -> dict:
    items = [
        oruk.taxonomy_term_json(t) for t in terms.taxonomy_terms(session=session, taxonomy_id=taxonomy_id)
    ]
    return _paged(items, page, per_page)


@router.get("/taxonomy_terms/{term_id}", response_model=TaxonomyTermOut, **oruk_router, summary="One term")
def one_taxonomy_term(term_id: str, session: SessionDep) -> dict:
    for term in terms.taxonomy_terms(session=session):
        if term.id == term_id:
            return oruk.taxonomy_term_json(term)
    raise ApiError(f"No taxonomy term has the id '{term_id[:60]}'.", status=404)


@router.get("/waiting-times", response_model=WaitingTimes, **product, summary="Dated waiting-time figures")
def waiting_times(
    session: SessionDep,
    service: str | None = Query(
        None, max_length=120, description="Key, name or another name: 'SALT', 'physio'."
    ),
    area: str | None = Query(None, max_length=100, description="An area or a town in it: 'Formby'."),
    council: str | None = Query(None, max_length=40),
) -> dict:
    figures = store.latest_waiting_times(
        session,
        service=(service or "").strip() or None,
        area=(area or "").strip() or None,
        council=check_council(council, session),
    )
    return {"contents": [oruk.waiting_time_json(f) for f in figures]}


@router.get("/ehcp/steps", response_model=EhcpSteps, **product, summary="EHCP steps (law) and local figures")
def ehcp_steps(session: SessionDep, council: str | None = Query(None, max_length=40)) -> dict:
    return oruk.ehcp_json(store.ehcp_overview(session, council=check_council(council, session)))


@router.get("/councils/{council}/help", response_model=HelpCardOut, **product, summary="Where to get help")
def council_help(council: str, session: SessionDep, settings: SettingsDep) -> dict:
    card = store.council_help(session, council.strip().lower(), settings)
    if card is None:
        raise ApiError(f"We do not know the council '{council[:60]}'.", status=404)
    return card


def _known_council(value: str | None, session) -> str | None:
    """For records the assistant sends: keep the council when it is one we know, never refuse the record."""
    key = (value or "").strip().lower()
    return key if key in {c.key for c in store.councils(session)} else None


@router.post(
    "/gaps", response_model=Recorded, status_code=201, **product, summary="Record an unanswered question"
)
def record_gap(body: GapIn, session: SessionDep) -> dict:
    row = store.record_unanswered(
        body.text,
        session=session,
        intent=body.intent,
        confidence=body.confidence,
        council=_known_council(body.council, session),
        kind=body.kind,
    )
    session.commit()
    return {"id": row.id}


@router.post("/feedback", response_model=Recorded, status_code=201, **product, summary="Was this helpful?")
def record_feedback(body: FeedbackIn, session: SessionDep) -> dict:
    row = store.record_feedback(
        body.answer_type, body.helpful, session=session, council=_known_council(body.council, session)
    )
    session.commit()
    return {"id": row.id}
