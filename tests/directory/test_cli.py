"""``python -m directory``: the commands, on a throw-away SQLite database with the fake embedder."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from directory import cli
from directory.search.embedder import FakeEmbedder
from directory.search.service import SearchService
from directory.settings import load_settings
from tests.directory.conftest import FIXTURE_DATA

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "SEND_ENV": "test",
            "SEND_INDEX_DIR": str(tmp_path / "index"),
            "SEND_DATA_DIR": str(FIXTURE_DATA),
        }
    )


@pytest.fixture
def fake_model(monkeypatch):
    """The commands build the real engine; here it gets the fake embedder (the model is the search tests')."""
    import directory.search.service as service

    monkeypatch.setattr(
        service,
        "create_search_service",
        lambda s: SearchService(FakeEmbedder(), s.index_dir, "fake-hashing-64"),
    )


def test_migrate(settings, capsys):
    assert cli.main(["migrate"], settings) == 0
    assert "Database at revision" in capsys.readouterr().out


def test_load_builds_the_index_and_a_second_load_changes_nothing(settings, fake_model, capsys):
    assert cli.main(["load"], settings) == 0
    first = capsys.readouterr()
    assert "8 service created" in first.out and "(changed)" in first.out
    assert "Search index: 6 entries at revision 1 (built)" in first.out
    assert "sefton-incomplete" in first.err  # the warning names the entry kept as draft
    assert (settings.index_dir).exists() and any(settings.index_dir.iterdir())

    assert cli.main(["load"], settings) == 0
    second = capsys.readouterr().out
    assert "8 service unchanged" in second and "(unchanged)" in second
    assert "Search index: 6 entries at revision 1 (disk)" in second

    assert cli.main(["build-index", "--rebuild"], settings) == 0
    assert "(built)" in capsys.readouterr().out


def test_search_jsonl_answers_one_line_per_query(settings, fake_model, capsys, monkeypatch):
    cli.main(["load", "--no-index"], settings)
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("autism youth club\nspeech therapy\n"))
    assert cli.main(["search", "--jsonl"], settings) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["autism youth club", "speech therapy"]
    assert lines[0]["results"][0]["name"] == "Test Autism Youth Club"
    assert all(
        len(line["results"]) <= 5 and {"id", "name", "score"} <= set(line["results"][0]) for line in lines
    )


def test_a_broken_data_file_stops_with_a_clear_message(settings, tmp_path, capsys):
    data = tmp_path / "data"
    (data / "services").mkdir(parents=True)
    (data / "councils.yaml").write_text((FIXTURE_DATA / "councils.yaml").read_text())
    (data / "services" / "sefton.yaml").write_text(
        "council: sefton\nservices:\n  - {key: bad-one, name: X, referral: sometimes}\n"
    )
    assert cli.main(["load", "--no-index", "--data-dir", str(data)], settings) == 2
    err = capsys.readouterr().err
    assert "sefton.yaml" in err and "bad-one" in err and "referral" in err


def test_stats(settings, capsys):
    cli.main(["load", "--no-index"], settings)
    capsys.readouterr()
    assert cli.main(["stats"], settings) == 0
    out = capsys.readouterr().out
    assert "sefton: 5 / 2 / 0" in out and "knowsley: 1 / 0 / 0" in out
    assert "Waiting-time figures: 4" in out


def test_serve_names_a_port_that_is_taken(settings, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--host", "127.0.0.1", "--port", str(port)], settings) == 1
    assert f"Port {port}" in capsys.readouterr().err


def test_python_dash_m_directory_shows_the_commands():
    result = subprocess.run(
        [sys.executable, "-m", "directory", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("migrate", "load", "build-index", "serve", "search", "eval", "stats"):
        assert command in result.stdout
