"""The search engine with the deterministic fake embedder: filters, fusion, ages, updates, persistence."""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
import time
from pathlib import Path

import faiss
import numpy as np
import pytest

from directory import vocab
from directory.search.documents import SearchDocument, passages
from directory.search.embedder import FakeEmbedder, normalise_rows
from directory.search.filters import SearchFilters
from directory.search.hybrid import AGE_FIT, AGE_MISMATCH, age_factor, near_best, reciprocal_rank_fusion
from directory.search.index import DenseIndex
from directory.search.keyword import RELATED_WEIGHT, KeywordIndex, query_weights
from directory.search.persist import META_FILE
from directory.search.query import parse_query, stem
from directory.search.service import SearchService
from directory.search.synonyms import concept_tokens, dense_query, gloss, related

_ids = itertools.count(1)


def make_doc(**overrides) -> SearchDocument:
    n = next(_ids)
    values = {
        "id": f"doc-{n}",
        "key": f"test-{n}",
        "council": "sefton",
        "status": "active",
        "name": f"Test service {n}",
        "description": "A made-up service for tests.",
        "eligibility": "",
        "access": "",
        "easy_read": "",
        "also_known_as": [],
        "categories": [],
        "needs": [],
        "areas": ["Sefton", "Southport", "South Sefton"],
        "minimum_age": None,
        "maximum_age": None,
    }
    values.update(overrides)
    return SearchDocument(**values)


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return super().encode(texts)


def make_service(docs, index_dir: Path | None = None, embedder=None, revision="1") -> SearchService:
    service = SearchService(embedder or FakeEmbedder(), index_dir, "fake-hashing-64")
    service.load_or_build(docs, revision)
    return service


@pytest.fixture
def corpus() -> list[SearchDocument]:
    return [
        make_doc(
            id="salt",
            name="Speech and Language Therapy",
            categories=["health"],
            needs=["speech_language"],
            description="Therapists help children who find talking and understanding hard.",
            minimum_age=0,
            maximum_age=18,
            areas=["Sefton", "South Sefton", "Bootle"],
        ),
        make_doc(
            id="iass",
            name="SENDIASS",
            also_known_as=["information advice and support"],
            description="Free impartial advice about EHCPs and school support.",
            categories=["advice"],
            minimum_age=0,
            maximum_age=25,
        ),
        make_doc(
            id="teen",
            name="Saturday teen club",
            description="A youth club for disabled teenagers.",
            categories=["short_breaks", "leisure"],
            needs=["learning_disability"],
            minimum_age=12,
            maximum_age=17,
        ),
        make_doc(
            id="junior",
            name="Saturday junior club",
            description="A youth club for disabled children.",
            categories=["short_breaks", "leisure"],
            needs=["learning_disability"],
            minimum_age=5,
            maximum_age=11,
        ),
        make_doc(
            id="kn",
            council="knowsley",
            name="Knowsley short breaks",
            categories=["short_breaks"],
            description="Short breaks and activities for disabled children.",
            areas=["Knowsley", "Huyton"],
            minimum_age=0,
            maximum_age=18,
        ),
        make_doc(
            id="ot",
            name="Occupational Therapy",
            categories=["health"],
            needs=["physical"],
            description="Help with everyday skills, equipment and sensory needs.",
            minimum_age=0,
            maximum_age=19,
        ),
    ]


# --- query parsing and vocabulary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("club for my 8 yr old", (8, 8)),
        ("autism group for a 17 year old girl", (17, 17)),
        ("my 7-year-old wets the bed", (7, 7)),
        ("my toddler needs a dietician", (1, 3)),
        ("is there anything for teenagers", (13, 19)),
        ("my baby has additional needs", (0, 1)),
        ("she is 12 and anxious", (12, 12)),
        ("we have waited 2 years for an assessment", (None, None)),
        ("it has been 14 months since the request", (None, None)),
    ],
)
def test_ages_are_read_from_queries(text, ages):
    parsed = parse_query(text)
    assert (parsed.age_min, parsed.age_max) == ages


def test_age_phrase_is_left_out_of_keyword_text():
    assert parse_query("club for my 8 yr old").keyword_text == "club for my"


def test_stemming_is_light_and_consistent():
    assert stem("breaks") == stem("break") == "break"
    assert stem("wetting") == stem("wets") == "wet"
    assert stem("families") == "family"
    assert stem("caring") == "caring"  # never shorter than four letters


def test_acronyms_and_family_words_meet_in_one_concept():
    assert "~speech" in concept_tokens("SALT waiting list")
    assert "~speech" in concept_tokens("Speech and Language Therapy")
    assert "~ehcp" in concept_tokens("my son's EHC plan")
    assert "~short_breaks" in concept_tokens("respite at weekends")
    assert "~travel" in concept_tokens("getting my son to school")  # a small gap inside a long phrase
    assert "~after_school" not in concept_tokens("life after leaving school")
    assert "speech and language therapy" in gloss("SALT referral")
    assert gloss("Speech and language therapy") == "Speech and language therapy"


# --- fusion and ages -----------------------------------------------------------------------------------


def test_reciprocal_rank_fusion_math():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    scores = {f.id: f.score for f in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert [f.id for f in fused] == ["b", "a", "d", "c"]
    assert next(f for f in fused if f.id == "d").ranks == (None, 2)
    weighted = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 0.5])
    assert [f.id for f in weighted] == ["a", "b"]
    assert weighted[1].score == pytest.approx(0.5 / 61)


def test_weak_keyword_matches_are_cut_before_fusion():
    scored = [("a", 10.0), ("b", 4.0), ("c", 3.4), ("d", 0.5)]
    assert near_best(scored) == ["a", "b"]  # KEYWORD_SHARE = 0.35 of the best score
    assert near_best(scored, 0.0) == ["a", "b", "c", "d"]
    assert near_best([]) == []


def test_related_concepts_expand_a_query_at_a_lower_weight():
    assert [g.concept for g in related("the school are not following his EHCP")] == ["advice"]
    assert related("my son was excluded and we want to appeal") and not related("speech therapy waiting list")
    assert related("free impartial advice about an EHCP") == []  # already named: not added again
    weights = query_weights("tribunal appeal about my EHCP")
    assert weights["~advice"] == RELATED_WEIGHT < weights["~ehcp"] == 1.0
    assert "independent information, advice and support" in dense_query("tribunal appeal about my EHCP")
    assert dense_query("speech therapy") == gloss("speech therapy")


def test_age_factor():
    assert age_factor(5, 11, 8, 8) == AGE_FIT
    assert age_factor(12, 17, 8, 8) == AGE_MISMATCH
    assert age_factor(None, None, 8, 8) == 1.0
    assert age_factor(0, 25, None, None) == 1.0
    assert age_factor(None, 3, 1, 3) == AGE_FIT


def test_age_in_query_prefers_fitting_services_without_removing_others(corpus):
    service = make_service(corpus)
    young = [h.id for h in service.search("saturday club for my 8 year old", k=10)]
    old = [h.id for h in service.search("saturday club for my 15 year old", k=10)]
    assert young.index("junior") < young.index("teen")
    assert old.index("teen") < old.index("junior")
    assert "teen" in young  # demoted, not removed


# --- filters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(council="knowsley"), {"kn"}),
        (SearchFilters(council="SEFTON"), {"salt", "iass", "teen", "junior", "ot"}),
        (SearchFilters(category="short_breaks"), {"teen", "junior", "kn"}),
        (SearchFilters(category="Short breaks"), {"teen", "junior", "kn"}),
        (SearchFilters(need="speech_language"), {"salt"}),
        (SearchFilters(area="bootle"), {"salt"}),
        (SearchFilters(area="southport"), {"iass", "teen", "junior", "ot"}),
        (SearchFilters(age=8), {"salt", "iass", "junior", "kn", "ot"}),
        (SearchFilters(age=19), {"iass", "ot"}),
        (SearchFilters(minimum_age=18, maximum_age=30), {"salt", "iass", "kn", "ot"}),
        (SearchFilters(maximum_age=4), {"salt", "iass", "kn", "ot"}),
        (SearchFilters(taxonomy_term_id="learning_disability"), {"teen", "junior"}),
        (SearchFilters(taxonomy_term_id=vocab.term_id("category", "advice")), {"iass"}),
        (SearchFilters(council="sefton", category="short_breaks", age=14), {"teen"}),
        (SearchFilters(council="sefton", category="advice", age=40), set()),
    ],
)
def test_filters_apply_to_every_mode(corpus, filters, expected):
    service = make_service(corpus)
    for mode in ("hybrid", "dense", "keyword"):
        ids = {hit.id for hit in service.search("club therapy advice support", filters, k=20, mode=mode)}
        assert ids <= expected, mode
        if mode != "keyword":  # dense ranks every allowed entry; keyword only the ones sharing a word
            assert ids == expected, mode


def test_without_a_council_filter_the_named_or_preferred_council_comes_first(corpus):
    service = make_service(corpus)

    def councils(query: str, **options) -> list[str]:
        return [service.document(hit.id).council for hit in service.search(query, k=20, **options)]

    plain = service.search("short breaks", k=20)
    preferred = service.search("short breaks", k=20, prefer_council="knowsley")
    assert {h.id for h in preferred} == {h.id for h in plain}  # reordered, nothing removed
    assert councils("short breaks", prefer_council="knowsley")[0] == "knowsley"
    assert councils("short breaks", prefer_council="sefton")[0] == "sefton"
    assert councils("short breaks in Knowsley", prefer_council="sefton")[0] == "knowsley"  # named wins
    only_sefton = councils("short breaks in Knowsley", filters=SearchFilters(council="sefton"))
    assert only_sefton and set(only_sefton) == {"sefton"}  # an explicit filter wins over both


def test_blank_query_lists_filtered_entries_by_name(corpus):
    service = make_service(corpus)
    hits = service.search("  ", SearchFilters(category="leisure"))
    assert [h.id for h in hits] == ["junior", "teen"]


def test_keyword_finds_acronym_through_synonyms(corpus):
    service = make_service(corpus)
    hits = service.search("SALT", k=3, mode="keyword")
    assert hits[0].id == "salt"
    assert hits[0].keyword_rank == 1 and hits[0].dense_rank is None


def test_hits_report_the_rank_in_each_list(corpus):
    service = make_service(corpus)
    hit = service.search("impartial advice about my EHCP", k=1)[0]
    assert hit.id == "iass"
    assert hit.dense_rank is not None and hit.keyword_rank == 1


def test_text_that_looks_like_sql_or_html_is_plain_text(corpus):
    service = make_service(corpus)
    for query in ("'; DROP TABLE service; --", "<script>alert(1)</script>", "%%%", "x" * 10_000):
        assert isinstance(service.search(query), list)


# --- one entry at a time -------------------------------------------------------------------------------


def test_upsert_and_remove_touch_one_entry_only(corpus, tmp_path):
    embedder = CountingEmbedder()
    service = make_service(corpus, tmp_path, embedder)
    built = embedder.encoded
    new = make_doc(id="wheel", name="Wheelchair service", description="Wheelchairs and buggies for children.")
    service.upsert(new, "2")
    assert embedder.encoded == built + len(passages(new))
    assert service.search("wheelchair", k=1)[0].id == "wheel"
    assert service.search("wheelchair", k=1, mode="keyword")[0].id == "wheel"
    assert len(service) == len(corpus) + 1 and service.revision == "2"

    renamed = make_doc(id="wheel", name="Garden group", description="Planting flowers.")
    service.upsert(renamed, "3")
    assert len(service) == len(corpus) + 1
    assert service.document("wheel").name == "Garden group"
    assert not [h for h in service.search("wheelchair buggies", mode="keyword") if h.id == "wheel"]

    service.remove("wheel", "4")
    assert "wheel" not in {h.id for h in service.search("garden group planting flowers", k=20)}
    assert len(service) == len(corpus) and service.revision == "4"

    service.flush()  # the background writer would do this a moment later
    reloaded = make_service(corpus, tmp_path, CountingEmbedder(), revision="4")
    assert reloaded.loaded_from == "disk"  # the saved index followed the updates


def test_keyword_index_after_updates_scores_like_a_fresh_build(corpus):
    index = KeywordIndex()
    index.build(corpus[:3])
    for doc in corpus[3:]:
        index.add(doc)
    index.add(corpus[0])  # replace
    index.remove(corpus[1].id)
    fresh = KeywordIndex()
    fresh.build([corpus[0], *corpus[2:]])
    for query in ("club for disabled children", "speech therapy", "short breaks"):
        updated, rebuilt = index.search(query, 10), fresh.search(query, 10)
        assert [d for d, _ in updated] == [d for d, _ in rebuilt]
        assert [s for _, s in updated] == pytest.approx([s for _, s in rebuilt])


def test_concurrent_searches_during_updates(corpus):
    service = make_service(corpus)
    errors: list[BaseException] = []

    def searcher():
        try:
            for _ in range(50):
                service.search("club for disabled children", k=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for i in range(30):
        service.upsert(make_doc(id=f"extra-{i % 5}", name=f"Extra club {i}"), str(10 + i))
        if i % 3 == 0:
            service.remove(f"extra-{(i + 2) % 5}", str(100 + i))
    for thread in threads:
        thread.join()
    assert not errors
    assert service._dense.ntotal == sum(len(passages(d)) for d in service.documents())


# --- persistence ---------------------------------------------------------------------------------------


def test_save_and_load_round_trip(corpus, tmp_path):
    first = make_service(corpus, tmp_path)
    assert first.loaded_from == "built"
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert (tmp_path / meta["index_file"]).exists()
    assert meta["model_name"] == "fake-hashing-64" and meta["revision"] == "1" and meta["dim"] == 64
    assert sorted(meta["doc_ids"]) == sorted(d.id for d in corpus)

    embedder = CountingEmbedder()
    second = make_service(corpus, tmp_path, embedder)
    assert second.loaded_from == "disk"
    assert embedder.encoded == 0
    for query in ("speech therapy", "club for my 8 year old", "advice"):
        assert [(h.id, h.score) for h in second.search(query)] == [
            (h.id, h.score) for h in first.search(query)
        ]


def test_other_model_metadata_rebuilds(corpus, tmp_path):
    make_service(corpus, tmp_path)
    embedder = CountingEmbedder()
    service = SearchService(embedder, tmp_path, "another-model")
    service.load_or_build(corpus, "1")
    assert service.loaded_from == "built"
    assert embedder.encoded == sum(len(passages(d)) for d in corpus)
    assert json.loads((tmp_path / META_FILE).read_text())["model_name"] == "another-model"


@pytest.mark.parametrize("change", ["revision", "edited", "added", "removed"])
def test_stale_revision_or_entries_update_only_what_changed(corpus, tmp_path, change):
    make_service(corpus, tmp_path)
    docs = list(corpus)
    if change == "edited":
        docs[0] = dataclasses.replace(docs[0], description="Now about wheelchairs and buggies.")
    elif change == "added":
        docs.append(make_doc(id="new", name="Wheelchair service"))
    elif change == "removed":
        docs = docs[1:]
    embedder = CountingEmbedder()
    service = make_service(docs, tmp_path, embedder, revision="2")
    assert service.loaded_from == "updated"
    changed = {"revision": [], "edited": [docs[0]], "added": [docs[-1]], "removed": []}[change]
    assert embedder.encoded == sum(len(passages(d)) for d in changed)
    assert sorted(service._dense.doc_ids()) == sorted(d.id for d in docs)
    assert json.loads((tmp_path / META_FILE).read_text())["revision"] == "2"
    fresh = make_service(docs, None, FakeEmbedder(), revision="2")  # the same as building from scratch
    for query in ("speech therapy", "club for my 8 year old", "wheelchair buggies"):
        for mode in ("dense", "hybrid"):
            got, want = service.search(query, mode=mode), fresh.search(query, mode=mode)
            assert [(h.id, round(h.score, 6)) for h in got] == [(h.id, round(h.score, 6)) for h in want]
    assert make_service(docs, tmp_path, revision="2").loaded_from == "disk"


@pytest.mark.parametrize(
    "damage", ["garbage index", "truncated index", "missing index", "bad json", "no meta"]
)
def test_corrupt_or_missing_files_rebuild(corpus, tmp_path, damage):
    make_service(corpus, tmp_path)
    meta_file = tmp_path / META_FILE
    index_file = tmp_path / json.loads(meta_file.read_text())["index_file"]
    if damage == "garbage index":
        index_file.write_bytes(b"not a faiss index" * (index_file.stat().st_size // 17 + 1))
        meta = json.loads(meta_file.read_text())
        meta["index_bytes"] = index_file.stat().st_size
        meta_file.write_text(json.dumps(meta))
    elif damage == "truncated index":
        index_file.write_bytes(index_file.read_bytes()[:100])
    elif damage == "missing index":
        index_file.unlink()
    elif damage == "bad json":
        meta_file.write_text("{not json")
    else:
        meta_file.unlink()
    service = make_service(corpus, tmp_path)
    assert service.loaded_from == "built"
    assert service.search("speech therapy", k=1)[0].id == "salt"
    assert make_service(corpus, tmp_path).loaded_from == "disk"


def test_one_entry_updates_are_saved_in_the_background(corpus, tmp_path):
    service = make_service(corpus, tmp_path)
    service.upsert(make_doc(id="late", name="Late entry"), "7")
    deadline = time.monotonic() + 10
    while json.loads((tmp_path / META_FILE).read_text())["revision"] != "7":
        assert time.monotonic() < deadline, "the background writer did not save the update"
        time.sleep(0.05)
    service.flush()  # waits for a write in progress (it deletes the older generation last)
    assert len(list(tmp_path.glob("dense-*.faiss"))) == 1  # older generations are deleted
    assert make_service([*corpus, service.document("late")], tmp_path, revision="7").loaded_from == "disk"


def test_no_index_dir_keeps_everything_in_memory(corpus):
    service = make_service(corpus, None)
    service.upsert(make_doc(id="x", name="Extra"), "2")
    assert service.state()["documents"] == len(corpus) + 1


# --- the FAISS index itself ----------------------------------------------------------------------------


def test_faiss_top_k_equals_brute_force_cosine():
    rng = np.random.default_rng(7)
    dim, n = 48, 2000
    vectors = normalise_rows(rng.standard_normal((n, dim)).astype(np.float32))
    index = DenseIndex(dim)
    index.add_many([f"d{i}" for i in range(n)], ["about"] * n, vectors)
    for _ in range(20):
        query = normalise_rows(rng.standard_normal((1, dim)).astype(np.float32))[0]
        scores, ids = index.search_passages(query, 10)
        brute = np.argsort(-(vectors @ query), kind="stable")[:10]
        assert ids.tolist() == brute.tolist()
        assert np.allclose(scores, (vectors @ query)[brute], atol=1e-5)
        documents = index.search(query, 10)
        assert [d for d, _ in documents] == [f"d{i}" for i in brute]


def test_dense_document_score_is_the_mean_of_its_best_two_passages():
    dim = 4
    index = DenseIndex(dim)
    eye = np.eye(dim, dtype=np.float32)
    index.add("a", ["name", "about", "who"], eye[[0, 1, 2]])
    index.add("b", ["name"], eye[[3]])
    query = normalise_rows(np.array([[1.0, 0.5, 0.0, 0.0]], dtype=np.float32))[0]
    ranked = dict(index.search(query, 2))
    assert ranked["a"] == pytest.approx((query[0] + query[1]) / 2)
    assert ranked["b"] == pytest.approx(0.0)
    weighted = dict(index.search(query, 2, weights={"name": 0.5}))
    assert weighted["a"] == pytest.approx((query[0] * 0.5 + query[1]) / 2)


def test_dense_index_remove_keeps_other_ids():
    dim = 8
    rng = np.random.default_rng(1)
    index = DenseIndex(dim)
    for name in "abc":
        index.add(name, ["name", "about"], normalise_rows(rng.standard_normal((2, dim))))
    index.remove("b")
    assert index.ntotal == 4 and sorted(index.doc_ids()) == ["a", "c"]
    assert isinstance(index.index, faiss.IndexIDMap2)
    stored = sorted(faiss.vector_to_array(index.index.id_map).tolist())
    assert stored == sorted(pid for ids in index.doc_passages.values() for pid in ids)


def test_fake_embedder_is_deterministic_and_normalised():
    embedder = FakeEmbedder()
    first, second = embedder.encode(["speech therapy"]), embedder.encode(["speech therapy"])
    assert first.dtype == np.float32 and first.shape == (1, 64)
    assert np.array_equal(first, second)
    assert np.linalg.norm(first[0]) == pytest.approx(1.0, abs=1e-5)
    similar, different = embedder.encode(["speech therapist", "football club"])
    assert first[0] @ similar > first[0] @ different


@pytest.mark.parametrize("share", [0.05, 0.5, 1.0])
def test_dense_filtered_search_equals_brute_force_over_the_allowed_entries(share):
    rng = np.random.default_rng(3)
    dim, n = 32, 400
    index = DenseIndex(dim)
    vectors = normalise_rows(rng.standard_normal((n * 2, dim)).astype(np.float32))
    for i in range(n):
        index.add(f"d{i}", ["name", "about"], vectors[2 * i : 2 * i + 2])
    allowed = {f"d{i}" for i in rng.choice(n, int(n * share), replace=False)}
    query = normalise_rows(rng.standard_normal((1, dim)).astype(np.float32))[0]
    got = index.search(query, 10, allowed_docs=allowed)
    scores = vectors @ query
    brute = sorted(
        ((f"d{i}", float(scores[2 * i : 2 * i + 2].mean())) for i in range(n) if f"d{i}" in allowed),
        key=lambda item: (-item[1], item[0]),
    )[:10]
    assert [d for d, _ in got] == [d for d, _ in brute]
    assert [s for _, s in got] == pytest.approx([s for _, s in brute], abs=1e-5)


def test_repeated_queries_are_encoded_once(corpus):
    embedder = CountingEmbedder()
    service = make_service(corpus, embedder=embedder)
    before = embedder.encoded
    for mode in ("hybrid", "dense", "hybrid"):
        service.search("speech therapy", mode=mode)
    assert embedder.encoded == before + 1


def test_evaluation_counts_hits_and_misses(corpus):
    import io

    from directory.evaluation import council_named, evaluate, report

    service = make_service(corpus)
    questions = [
        {"id": "q1", "text": "speech and language therapy", "expect_entries": ["Speech and Language"]},
        {"id": "q2", "text": "speech and language therapy", "expect_entries": ["No such entry"]},
        {"id": "q3", "text": "short breaks in Knowsley", "expect_entries": ["knowsley short"]},
        {"id": "q4", "text": "no expectation", "expect_entries": []},
    ]
    results = evaluate(service, questions)
    for mode, result in results.items():
        assert result.questions == 3, mode
        assert result.hits_at_1 == result.hits_at_3 == 2, mode
        assert result.row()[2] == pytest.approx(2 / 3), mode
        assert [miss[0] for miss in result.misses] == ["q2"]
    assert council_named("We live in Knowsley not Sefton", ["knowsley", "sefton"]) == "knowsley"
    assert council_named("any clubs near me?", ["knowsley", "sefton"]) is None
    out = io.StringIO()
    report(results, out)
    assert "| hybrid   | 0.667 | 0.667 | 0.667 |" in out.getvalue()


def test_builds_and_background_saves_do_not_deadlock(corpus, tmp_path, monkeypatch):
    from directory.search import persist

    monkeypatch.setattr(persist.Saver, "DELAY_SECONDS", 0.0)
    service = make_service(corpus, tmp_path)

    def editor():
        for i in range(40):
            service.upsert(make_doc(id=f"edit-{i % 4}", name=f"Edited {i}"), f"e{i}")

    thread = threading.Thread(target=editor, daemon=True)
    thread.start()
    for i in range(5):
        service.build(corpus, f"b{i}")
        service.load_or_build(corpus, f"l{i}")
        service.flush()
    thread.join(timeout=30)
    assert not thread.is_alive(), "an upsert is stuck"
    service.flush()
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert meta["revision"] == service.revision
    assert sorted(meta["doc_ids"]) == sorted(d.id for d in service.documents())


def test_dense_ranks_are_exact_down_to_exact_top():
    from directory.search.index import EXACT_TOP

    rng = np.random.default_rng(5)
    dim, n = 32, 600
    vectors = normalise_rows(rng.standard_normal((n * 3, dim)).astype(np.float32))
    index = DenseIndex(dim)
    index.add_many([f"d{i // 3}" for i in range(n * 3)], ["name", "about", "who"] * n, vectors)
    for _ in range(5):
        query = normalise_rows(rng.standard_normal((1, dim)).astype(np.float32))[0]
        scores = (vectors @ query).reshape(n, 3)
        means = np.sort(scores, axis=1)[:, -2:].mean(axis=1)
        brute = [f"d{i}" for i in np.argsort(-means, kind="stable")[:EXACT_TOP]]
        got = index.search(query, 100)
        assert len(got) == 100
        assert [d for d, _ in got[:EXACT_TOP]] == brute
