"""Loading the curated YAML: idempotent, edits update in place, problems are reported clearly."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from directory import store
from directory.datafiles import DataFileError
from directory.loader import load_data
from directory.models import (
    Attribute,
    EhcpStep,
    Organization,
    Phone,
    Service,
    ServiceArea,
    WaitingTime,
)
from tests.directory.conftest import FIXTURE_DATA

REAL_DATA = Path(__file__).resolve().parents[2] / "directory" / "data"
COUNTED = (Service, Organization, Phone, ServiceArea, Attribute, WaitingTime, EhcpStep)


def counts(session) -> dict[str, int]:
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def load(db, data_dir: Path):
    with db.session() as session:
        return load_data(data_dir, session=session)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


def edit_service(data_dir: Path, key: str, **changes) -> None:
    path = data_dir / "services" / "sefton.yaml"
    document = yaml.safe_load(path.read_text())
    entry = next(s for s in document["services"] if s["key"] == key)
    entry.update(changes)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_loading_twice_changes_nothing(db):
    first = load(db, FIXTURE_DATA)
    with db.session() as session:
        before = counts(session)
        versions = dict(session.execute(select(Service.key, Service.version)).all())
    second = load(db, FIXTURE_DATA)

    assert first.revision_bumped and not second.revision_bumped
    assert second.revision == first.revision
    assert not [k for k in second.counts if k.endswith(("created", "updated"))], second.counts
    with db.session() as session:
        assert counts(session) == before
        assert dict(session.execute(select(Service.key, Service.version)).all()) == versions
    assert before["Service"] == 8 and before["WaitingTime"] == 4


def test_an_edited_file_updates_the_entry_and_never_duplicates_it(db, data_dir):
    load(db, data_dir)
    with db.session() as session:
        before = counts(session)
        old = store.get_service_by_key("sefton-salt", session=session)
        old_id, old_revision = old.id, store.corpus_revision(session)

    edit_service(
        data_dir,
        "sefton-salt",
        description="New words about speech therapy.",
        needs=["speech_language"],
        areas=["Sefton"],
        phones=["01632 960999"],
    )
    report = load(db, data_dir)

    assert report.counts["service updated"] == 1 and report.revision_bumped
    with db.session() as session:
        service = store.get_service_by_key("sefton-salt", session=session)
        assert service.id == old_id
        assert service.description == "New words about speech therapy."
        assert service.terms("SEND need") == ["speech_language"]
        assert [a.name for a in service.service_areas] == ["Sefton"]
        assert [p.number for p in service.phones] == ["01632 960999"]
        assert int(store.corpus_revision(session)) == int(old_revision) + 1
        after = counts(session)
    assert after["Service"] == before["Service"]
    assert after["ServiceArea"] == before["ServiceArea"] - 1  # two areas became one
    assert after["Phone"] == before["Phone"] + 1


def test_an_edited_waiting_time_updates_its_row(db, data_dir):
    load(db, data_dir)
    path = data_dir / "waiting_times.yaml"
    document = yaml.safe_load(path.read_text())
    document["waiting_times"][1]["value"] = 11.25
    path.write_text(yaml.safe_dump(document, sort_keys=False))

    report = load(db, data_dir)

    assert report.counts["waiting time updated"] == 1
    assert not report.revision_bumped  # search documents did not change
    with db.session() as session:
        values = sorted(session.scalars(select(WaitingTime.value)))
    assert values == [7.0, 11.25, 12.0, 20.0]


def test_derived_fields_and_flags(db, loaded):
    with db.session() as session:
        sendiass = store.get_service_by_key("sefton-sendiass", session=session)
        salt = store.get_service_by_key("sefton-salt", session=session)
        club = store.get_service_by_key("sefton-youth-club", session=session)
        forum = store.get_service_by_key("sefton-parent-forum", session=session)
    # The date comes from the document list when the source does not give one.
    assert sendiass.source_date == sendiass.assured_date == sendiass.last_reviewed == date(2020, 5, 28)
    assert sendiass.review_due == date(2021, 5, 28)
    assert forum.source_date == date(2021, 1, 15)
    assert not sendiass.contact_missing and salt.contact_missing
    assert store.postcodes(club) == ["ZZ99 9ZZ"]
    assert forum.organization.website == "https://example.org/forum"
    assert salt.also_known_as == ["SALT", "SLT", "speech therapy"]


def test_entries_that_break_the_publishing_rules_are_kept_as_drafts(db, loaded):
    assert any("sefton-incomplete" in w and "who the service is for" in w for w in loaded.warnings)
    assert any("no-such-service" in w for w in loaded.warnings)
    with db.session() as session:
        assert store.get_service_by_key("sefton-incomplete", session=session) is None
        draft = store.get_service_by_key("sefton-incomplete", session=session, published_only=False)
        assert draft.publication_status == "draft"


def test_a_typo_in_a_data_file_names_the_file_the_entry_and_the_problem(db, data_dir):
    edit_service(data_dir, "sefton-salt", categories=["helth"])
    with pytest.raises(DataFileError) as error:
        load(db, data_dir)
    message = str(error.value)
    assert "sefton.yaml" in message and "sefton-salt" in message and "categories" in message


def test_a_service_file_for_an_unknown_council_is_refused(db, data_dir):
    (data_dir / "services" / "elsewhere.yaml").write_text("council: nowhere\nservices: []\n")
    with pytest.raises(DataFileError, match="nowhere"):
        load(db, data_dir)


@pytest.mark.skipif(
    not (REAL_DATA / "services" / "sefton.yaml").exists(), reason="curated data not written yet"
)
def test_the_real_data_loads_with_at_least_60_sefton_services_and_idempotently(db):
    first = load(db, REAL_DATA)
    with db.session() as session:
        sefton = store.count_services(session, council="sefton", published_only=False)
        before = counts(session)
    second = load(db, REAL_DATA)

    assert sefton >= 60
    assert not second.revision_bumped and second.revision == first.revision
    with db.session() as session:
        assert counts(session) == before
