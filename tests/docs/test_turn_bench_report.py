"""bench/turn_bench.py's report: percentiles, the target verdict, and rewriting only its own section of
docs/benchmarks.md."""

from __future__ import annotations

from bench.turn_bench import SECTION, Cell, section, write_section


def cells(search_10_ms: list[float]) -> list[Cell]:
    return [
        Cell("search", 1, [100.0] * 19 + [400.0]),
        Cell("search", 10, search_10_ms),
        Cell("greeting", 1, [60.0]),
        Cell("greeting", 10, [300.0]),
        Cell("directory search alone", 1, [8.0]),
        Cell("directory search alone", 10, [40.0]),
    ]


def test_p95_is_the_95th_percentile_not_the_maximum():
    cell = Cell("search", 1, [float(ms) for ms in range(1, 101)])
    assert cell.p50 == 50.5 and cell.p95 == 95.0


def test_the_verdict_follows_the_measured_p95():
    assert "not met" in section(cells([900.0] * 20), "1.0", "1.0")
    met = section(cells([120.0] * 20), "1.0", "1.0")
    assert "not met" not in met and "met (120 ms)" in met


def test_the_section_is_replaced_and_the_others_kept(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(f"# Benchmarks\n\n## Search\n\nold search\n\n{SECTION}\n\nold turns\n\n## NLU\n\nnlu\n")
    write_section(f"{SECTION}\n\nnew turns\n", path)
    text = path.read_text()
    assert "old turns" not in text and "new turns" in text
    assert text.index("## Search") < text.index(SECTION) < text.index("## NLU") and "nlu" in text
    assert "new turns\n\n## NLU" in text  # a blank line before the next section
    write_section(f"{SECTION}\n\nnewer\n", path)
    assert path.read_text().count(SECTION) == 1
