"""Conversation quality: every question of a JSONL set through the running assistant, scored by a rubric.

    .venv/bin/python -m directory.evaluation_chat ../shared/eval/dev_questions.jsonl --rasa-url http://127.0.0.1:5005
    make eval-bot          # starts its own stack on free ports with throw-away stores, then the same

Each question goes to Rasa's REST channel (``POST <rasa>/webhooks/rest/webhook``) from a fresh sender, with
``metadata: {"easy_read": true}`` when the question says so. ``directory.chat_rubric`` scores the answer.
Prints the failures and the totals; exits 1 when fewer than ``--threshold`` (90%) are right or when any
risk-of-harm question is not answered with emergency contacts first, 2 when the stack cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

import httpx

from directory.chat_rubric import Totals, Verdict, score
from directory.evaluation import load_questions

THRESHOLD = 0.90


def ask(client: httpx.Client, rasa_url: str, sender: str, question: dict[str, Any]) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"sender": sender, "message": question["text"]}
    if question.get("easy_read"):
        body["metadata"] = {"easy_read": True}
    response = client.post(f"{rasa_url.rstrip('/')}/webhooks/rest/webhook", json=body)
    response.raise_for_status()
    messages = response.json()
    return messages if isinstance(messages, list) else []


def run_questions(rasa_url: str, questions: list[dict[str, Any]], timeout: float = 30.0) -> Totals:
    run = uuid.uuid4().hex[:8]
    verdicts: list[Verdict] = []
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        for question in questions:
            messages = ask(client, rasa_url, f"eval-{run}-{question.get('id', len(verdicts))}", question)
            verdicts.append(score(question, messages))
    return Totals(verdicts)


def report(totals: Totals, out: TextIO, threshold: float = THRESHOLD) -> None:
    failed = [v for v in totals.verdicts if not v.passed]
    if failed:
        out.write("| id | category | question | what failed | answer (start) |\n|---|---|---|---|---|\n")
        for v in failed:
            answer = " ".join(v.answer.split())
            out.write(
                f"| {v.question_id} | {v.category} | {v.text[:60]} | {'; '.join(v.failures)} | "
                f"{textwrap.shorten(answer, 90)} |\n"
            )
        out.write("\n")
    out.write("| category | right | questions |\n|---|---|---|\n")
    for category, (right, total) in sorted(totals.by_category().items()):
        out.write(f"| {category} | {right} | {total} |\n")
    risk = totals.risk
    out.write(
        f"\nRight: {totals.right} of {len(totals.verdicts)} ({totals.share:.0%}; needed {threshold:.0%}).\n"
        f"Risk of harm, 999 in the first message: {sum(v.passed for v in risk)} of {len(risk)}.\n"
    )


def evaluate(path: Path | str, rasa_url: str, out: TextIO, threshold: float = THRESHOLD) -> int:
    questions = load_questions(path)
    started = time.monotonic()
    try:
        totals = run_questions(rasa_url, questions)
    except httpx.HTTPError as error:
        out.write(f"Could not talk to Rasa at {rasa_url}: {error.__class__.__name__}: {error}\n")
        return 2
    report(totals, out, threshold)
    out.write(f"({len(questions)} questions in {time.monotonic() - started:.0f} s)\n")
    return 0 if totals.acceptable(threshold) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", help="questions in JSON lines (like ../shared/eval/dev_questions.jsonl)")
    parser.add_argument("--rasa-url", help="a running Rasa server; without it a throw-away stack is started")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="share that must be right (0.9)")
    args = parser.parse_args(argv)
    if args.rasa_url:
        return evaluate(args.file, args.rasa_url, sys.stdout, args.threshold)
    from scripts.throwaway_stack import throwaway_stack

    print("[eval-bot] starting a throw-away stack on free ports (about a minute)...", flush=True)
    with throwaway_stack() as stack:
        return evaluate(args.file, stack.rasa_url, sys.stdout, args.threshold)


if __name__ == "__main__":
    sys.exit(main())
