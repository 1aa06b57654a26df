"""Build the real-talk tuning and test halves from the labelled messages in this folder.

    python benchmarks/eval/realtalk/build.py

Reads on_topic.jsonl and off_topic.jsonl (each line: text, args, side, kind), fills `expect` with the
verbatim quotes of the labelled arguments (so the shared scorer accepts any of them, as a moderator
would), and splits every topic (on-topic) or kind (off-topic) in two by a hash of the text: even
positions go to realtalk_tune.jsonl, odd ones to realtalk_test.jsonl. Tune only on the first.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
OUT = HERE.parent


def _quotes_by_argument() -> tuple[dict[str, list[str]], dict[str, str]]:
    data = yaml.safe_load((REPO / "corpus" / "arguments.yaml").read_text(encoding="utf-8"))
    quotes = {a["id"]: [q["text"] for q in a["quotes"]] for a in data["arguments"]}
    topics = {a["id"]: a["topic"] for a in data["arguments"]}
    return quotes, topics


def _read(name: str) -> list[dict]:
    path = HERE / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    quotes, topics = _quotes_by_argument()
    groups: dict[str, list[dict]] = defaultdict(list)
    for case in _read("on_topic.jsonl"):
        unknown = [a for a in case["args"] if a not in quotes]
        if unknown or not case["args"]:
            print(f"unknown or missing argument ids {unknown} in: {case['text'][:60]}", file=sys.stderr)
            return 1
        case["expect"] = [q for a in case["args"] for q in quotes[a]]
        groups["on:" + topics[case["args"][0]]].append(case)
    for case in _read("off_topic.jsonl"):
        case["expect"] = []
        groups["off:" + case.get("kind", "other")].append(case)
    halves: dict[str, list[dict]] = {"tune": [], "test": []}
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda c: hashlib.sha1(c["text"].encode()).hexdigest())
        for i, case in enumerate(ordered):
            halves["tune" if i % 2 == 0 else "test"].append(case)
    for half, cases in halves.items():
        path = OUT / f"realtalk_{half}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for case in cases:
                row = {"text": case["text"], "expect": case["expect"], "args": case.get("args", []),
                       "side": case.get("side", "neutral"), "kind": case.get("kind", "")}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        on = sum(1 for c in cases if c["expect"])
        print(f"{path.relative_to(REPO)}: {on} on-topic, {len(cases) - on} off-topic")
    return 0


if __name__ == "__main__":
    sys.exit(main())
