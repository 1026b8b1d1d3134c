"""Load benchmark: simultaneous conversations through the chat gateway, scaled topology vs single machine.

Bounded and loopback only: each topology is started on free ports on 127.0.0.1 with throw-away stores,
N conversations (default 50) each send their next message as soon as the previous answer arrives, for a
fixed time (default 60 s), then everything is stopped. Every turn goes the way the widget's do:
POST /api/chat on a directory replica -> Rasa -> action server -> directory API. In the scaled topology
each turn of a conversation goes to the next directory replica in turn (a load balancer without sticky
sessions), so consecutive turns of one conversation are served by different Rasa replicas too.

Reports turns per second, p50/p95/p99 latency, errors (HTTP errors, timeouts, refused connections) and
fallbacks (the gateway answered by itself because Rasa was slow, silent or down), and writes them into
docs/benchmarks.md under "## Load" (that section only). Usage:

    .venv/bin/python bench/load_bench.py                          # both topologies, 50 x 60 s
    .venv/bin/python bench/load_bench.py --conversations 5 --duration 10 --no-write   # a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.stack_scaled import drop, throwaway  # noqa: E402
from scripts.throwaway_stack import launch  # noqa: E402

BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Load"
# One conversation's script, repeated: small talk, facts from the directory, a form, a handover.
SCRIPT = [
    "hello",
    "what is an EHCP?",
    "how long is the wait for an autism assessment in Sefton?",
    "are there short breaks for my 8 year old in Bootle?",
    "speech and language therapy for a 4 year old",
    "how do I ask for an EHCP needs assessment?",
    "who can give me independent advice?",
    "thank you",
]
# All traffic comes from 127.0.0.1: lift the per-visitor and per-network limits for the benchmark only.
BENCH_ENV = {
    "SEND_RATE_LIMIT_PER_MINUTE": "1000000",
    "SEND_RATE_LIMIT_CLIENT_PER_MINUTE": "1000000",
    "SEND_ENV": "test",
}


@dataclass
class Result:
    topology: str
    processes: str
    duration: float
    conversations: int
    latencies: list[float] = field(default_factory=list)
    rasa_latencies: list[float] = field(default_factory=list)  # turns Rasa itself answered (no fallback)
    errors: int = 0
    fallbacks: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0  # wall time until the last turn started before the deadline had its answer
    load: tuple[str, str] = ("", "")  # load average (1, 5, 15 min) before and after the run

    @property
    def turns(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        """Answered turns per second."""
        return len(self.latencies) / (self.elapsed or self.duration)

    def percentile(self, p: float, rasa_only: bool = False) -> float:
        values = self.rasa_latencies if rasa_only else self.latencies
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    def row(self) -> str:
        ms = lambda p, rasa=False: f"{1000 * self.percentile(p, rasa):.0f}"  # noqa: E731
        seconds = self.elapsed or self.duration
        return (
            f"| {self.topology} | {self.processes} | {self.conversations} | {self.duration:.0f} s | "
            f"{self.turns} | {self.rate:.1f} | {ms(50)} | {ms(95)} | {ms(99)} | "
            f"{self.errors} | {self.fallbacks} | "
            f"{len(self.rasa_latencies)} ({len(self.rasa_latencies) / seconds:.1f}/s) "
            f"| {ms(50, True)} / {ms(95, True)} |"
        )


async def conversation(n: int, urls: list[str], deadline: float, result: Result, timeout: float) -> None:
    import httpx

    sender = f"bench-{uuid.uuid4().hex[:12]}"
    turn = 0
    async with httpx.AsyncClient(timeout=timeout) as client:
        while time.monotonic() < deadline:
            url = urls[(n + turn) % len(urls)]
            body = {
                "sender": sender,
                "message": SCRIPT[turn % len(SCRIPT)],
                "metadata": {"council": "sefton"},
            }
            started = time.monotonic()
            try:
                response = await client.post(f"{url}/api/chat", json=body)
                elapsed = time.monotonic() - started
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}")
                data = response.json()
                result.latencies.append(elapsed)
                if data.get("fallback"):
                    result.fallbacks += 1
                else:
                    result.rasa_latencies.append(elapsed)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and named
                kind = type(exc).__name__ if not isinstance(exc, RuntimeError) else str(exc)
                result.errors += 1
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
                await asyncio.sleep(0.2)  # do not spin on a refused connection
            turn += 1


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


async def drive(urls: list[str], conversations: int, duration: float, result: Result, timeout: float) -> None:
    started = time.monotonic()
    deadline = started + duration
    before = load_average()
    await asyncio.gather(*(conversation(n, urls, deadline, result, timeout) for n in range(conversations)))
    result.elapsed = time.monotonic() - started
    result.load = (before, load_average())


def warm_up(urls: list[str]) -> None:
    """One conversation turn per replica first, so model loading is not measured."""
    import httpx

    for url in urls:
        for text in ("hello", "short breaks in Sefton"):
            httpx.post(
                f"{url}/api/chat",
                json={"sender": f"warm-{uuid.uuid4().hex[:8]}", "message": text},
                timeout=60,
            )


def run_single(tmp: Path, conversations: int, duration: float, timeout: float) -> Result:
    stack = launch(tmp, extra_env=BENCH_ENV)  # the same throw-away stack as the e2e tests and turn bench
    try:
        warm_up([stack.web_url])
        result = Result(
            "single machine (`make run`)",
            "1 directory, 1 Rasa, 1 action server; SQLite",
            duration,
            conversations,
        )
        asyncio.run(drive([stack.web_url], conversations, duration, result, timeout))
        return result
    finally:
        stack.stop()


def run_scaled(tmp: Path, conversations: int, duration: float, timeout: float) -> Result:
    stack = throwaway(
        tmp, prefix="send_bench", env=BENCH_ENV, redis="redis://127.0.0.1:6379/12", redis_lock_db=11
    )
    try:
        stack.start(prepare=True)
        try:
            warm_up(stack.web_urls)
            result = Result(
                "scaled (`make run-scaled`)",
                "2 directory, 2 Rasa, 1 action server; PostgreSQL + Redis",
                duration,
                conversations,
            )
            asyncio.run(drive(stack.web_urls, conversations, duration, result, timeout))
            return result
        finally:
            stack.stop()
    finally:
        drop(stack)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(
            next(
                x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
            ).split()[1]
        )
        memory = f", {kb / 1024 / 1024:.0f} GB memory"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}"


def report(results: list[Result], timeout: float) -> str:
    lines = [
        SECTION,
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}, everything on one machine over loopback "
        f"(`bench/load_bench.py`). Each conversation sends its next message as soon as the answer arrives "
        f"(no think time), cycling through {len(SCRIPT)} typical questions; every turn goes through the "
        f"chat gateway (POST /api/chat -> Rasa -> action server -> directory API). Client timeout "
        f"{timeout:.0f} s. Latency is the widget's wait for one answer; turns/s counts answered turns over "
        f"the wall time until the last turn started before the end had its answer.",
        "",
        "| Topology | Processes | Conversations | Duration | Turns | Turns/s | p50 ms | p95 ms | p99 ms "
        "| Errors | Fallbacks | Answered by Rasa | Rasa-answered p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(r.row() for r in results),
        "",
        "Errors are failed requests (HTTP error, timeout, refused connection). Fallbacks are answers the "
        "gateway gave by itself (SENDIASS and Local Offer contacts) because Rasa did not answer within "
        "`SEND_CHAT_TIMEOUT` (4 s); they are answered turns, counted in the latency, but not the "
        'assistant\'s real answer. "Answered by Rasa" counts the rest, with their own latency.',
    ]
    for r in results:
        if r.error_kinds:
            kinds = ", ".join(f"{k}: {v}" for k, v in sorted(r.error_kinds.items()))
            lines.append(f"\nErrors in the {r.topology} run by kind: {kinds}.")
    lines += [
        "",
        "Load average (1, 5, 15 min) before / after each run: "
        + "; ".join(f"{r.topology}: {r.load[0]} / {r.load[1]}" for r in results)
        + ". The load before each run is the benchmark's own processes starting (and, when it is above about 2, "
        "other work on the machine); the two cores are shared by the load generator and every process, so "
        "compare the rows, measured minutes apart, rather than reading them as one topology's capacity.",
    ]
    lines += [
        "",
        "Both topologies share the same two cores here. A Rasa process runs its models on one event loop, "
        "so it uses about one core; two Rasa replicas can use both, while the extra processes, PostgreSQL, "
        "Redis and the shared tracker store add work per turn. Fifty conversations that never pause are "
        "far more than fifty people: a person takes 10-30 s to read an answer and type the next message, "
        "so this load is several hundred people chatting at the same moment. Past capacity the gateway "
        "still answers within about `SEND_CHAT_TIMEOUT`, with the fallback, and the "
        '"Answered by Rasa" column is the real capacity. What the scaled topology buys is no single '
        "point of failure among the app processes and room to grow: on separate machines each replica "
        "brings its own cores.",
    ]
    return "\n".join(lines) + "\n"


def replace_section(text: str, body: str) -> str:
    """Replaces the "## Load" section (up to the next "## " heading) or appends it."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    if start is None:
        return text.rstrip("\n") + ("\n\n" if text.strip() else "# Benchmarks\n\n") + body
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    return "".join(lines[:start]) + body + ("\n" + tail if tail else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per topology")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per turn, seconds")
    parser.add_argument("--topology", choices=["both", "scaled", "single"], default="both")
    parser.add_argument("--no-write", action="store_true", help="print the results, leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not (0 < args.conversations <= 200 and 0 < args.duration <= 600):
        parser.error("bounded benchmark: at most 200 conversations and 600 seconds")
    if not (ROOT / "models" / "send-assistant.tar.gz").exists():
        print("models/send-assistant.tar.gz is missing: run `make train` first", file=sys.stderr)
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="send-load-") as tmp:
        for name, run in (("scaled", run_scaled), ("single", run_single)):
            if args.topology in ("both", name):
                print(f"[bench-load] {name}: starting the topology...", file=sys.stderr, flush=True)
                (Path(tmp) / name).mkdir()
                result = run(Path(tmp) / name, args.conversations, args.duration, args.timeout)
                print(f"[bench-load] {result.row()}", file=sys.stderr, flush=True)
                results.append(result)
    body = report(results, args.timeout)
    print(body)
    if not args.no_write:
        existing = BENCHMARKS.read_text() if BENCHMARKS.exists() else ""
        BENCHMARKS.write_text(replace_section(existing, body))
        print(
            f"[bench-load] written to {BENCHMARKS.relative_to(ROOT)} (section {SECTION!r})", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
