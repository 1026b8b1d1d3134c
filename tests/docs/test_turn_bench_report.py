"""bench/turn_bench.py's report: percentiles, the target verdict, and rewriting only its own section of
docs/benchmarks.md."""

from __future__ import annotations

import os

from bench.turn_bench import SECTION, Cell, CpuPerTurn, cpu_seconds, section, write_section


def cells(paced_10_ms: list[float], stress_10_ms: list[float] | None = None) -> list[Cell]:
    return [
        Cell("search", 1, [100.0] * 19 + [400.0]),
        Cell("search", 10, paced_10_ms, paced=True),
        Cell("search", 10, stress_10_ms or [900.0] * 20),
        Cell("greeting", 1, [60.0]),
        Cell("greeting", 10, [300.0]),
        Cell("directory search alone", 1, [8.0]),
        Cell("directory search alone", 10, [40.0]),
    ]


def test_p95_is_the_95th_percentile_not_the_maximum():
    cell = Cell("search", 1, [float(ms) for ms in range(1, 101)])
    assert cell.p50 == 50.5 and cell.p95 == 95.0


def test_the_verdict_follows_the_measured_p95_at_a_persons_pace():
    assert "**not met** (900 ms)" in section(cells([900.0] * 20), "1.0", "1.0")
    met = section(cells([120.0] * 20), "1.0", "1.0")
    assert "Target:" in met and "met (120 ms), with the 10 conversations at a person's pace" in met
    assert "| search | 10 | 2-6 s pause | 20 | 120 | 120 | 0 |" in met
    assert "| search | 10 | no pause | 20 | 900 | 900 | 0 |" in met


def test_the_stress_figure_is_explained_by_the_cpu_each_turn_costs():
    cpu = CpuPerTurn({"Rasa server": 50.0, "action server": 6.0, "directory web app": 24.0})
    assert cpu.total_ms == 80.0 and cpu.floor_p50_ms(10, 2) == 400.0
    text = section(cells([120.0] * 20), "1.0", "1.0", cpu, cores=2)
    assert "Each search turn cost 80 ms of CPU (Rasa server 50 ms, action server 6 ms" in text
    assert "10 x 80 / 2 = 400 ms" in text and "cannot be met on 2 cores" in text
    cheap = section(cells([120.0] * 20), "1.0", "1.0", CpuPerTurn({"Rasa server": 20.0}), cores=2)
    assert "10 x 20 / 2 = 100 ms" in cheap and "cannot be met" not in cheap  # only claimed when it follows
    assert "measured only when the benchmark starts the stack" in section(cells([120.0] * 20), "1.0", "1.0")


def test_cpu_seconds_reads_this_process_and_skips_a_gone_one():
    used = cpu_seconds({"me": os.getpid(), "gone": 2**22 + 12345})
    assert set(used) == {"me"} and used["me"] > 0


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
