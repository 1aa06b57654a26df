"""Matcher benchmark: latency, throughput, index build and peak memory vs bm25s and rank_bm25; prints one table."""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_report import (TARGET_BUILD_S, TARGET_P99_MS, TARGET_RSS_MB, judge_scenario,  # noqa: E402
                          judge_whole, notes, table)
from bench_scenarios import SCENARIOS  # noqa: E402

RESULT_PREFIX = "BENCH-RESULT "


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--messages", type=int, default=5000, help="chat messages to generate (default 5000)")
    p.add_argument("--synthetic", type=int, default=100_000, help="synthetic passages to add (default 100000)")
    p.add_argument("--seed", type=int, default=20240723, help="seed for messages and the synthetic corpus")
    p.add_argument("--subsample", type=int, default=200, help="messages for rank_bm25 on the synthetic corpus")
    p.add_argument("--repeat", type=int, default=3, help="runs of each whole-process command (median reported)")
    p.add_argument("--only", nargs="*", choices=[*SCENARIOS, "whole"], help="run only these parts")
    p.add_argument("--output", type=Path, default=HERE / "results.json", help="where the JSON results go")
    p.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)  # child mode
    p.add_argument("--messages-file", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def _write_messages(args: argparse.Namespace, workdir: Path) -> tuple[Path, Path, dict[str, int]]:
    """The seeded message batch, as {text, kind} lines for the scenarios and {text} lines for stdin."""
    from bench_corpus import bundled
    from bench_messages import generate

    messages = generate([p.text for p in bundled().passages], args.messages, args.seed)
    labelled, stdin = workdir / "messages.jsonl", workdir / "stdin.jsonl"
    with labelled.open("w", encoding="utf-8") as f, stdin.open("w", encoding="utf-8") as g:
        for m in messages:
            f.write(json.dumps({"text": m.text, "kind": m.kind}) + "\n")
            g.write(json.dumps({"text": m.text}) + "\n")
    return labelled, stdin, dict(Counter(m.kind for m in messages))


def _run_scenario(name: str, args: argparse.Namespace, messages_path: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--scenario", name, "--messages-file", str(messages_path),
           "--synthetic", str(args.synthetic), "--seed", str(args.seed), "--subsample", str(args.subsample)]
    print(f"running {name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    wall = round(time.perf_counter() - started, 3)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return {**json.loads(line[len(RESULT_PREFIX):]), "wall_s": wall}
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"scenario": name, "engine": name.rpartition("-")[0], "error": f"exit {proc.returncode}: {tail}",
            "wall_s": wall}


def _timed_process(cmd: list[str], stdin_path: Path, env: dict[str, str]) -> tuple[float, float, int, str, float]:
    """(wall seconds, peak RSS MB, exit code, last stderr line, CPU seconds) of one run; rusage of that child alone."""
    with stdin_path.open("rb") as stdin, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=err, cwd=REPO_ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return wall, usage.ru_maxrss / 1024, proc.returncode, lines[-1] if lines else "", usage.ru_utime + usage.ru_stime


def _whole_process(args: argparse.Namespace, stdin_path: Path, n_messages: int, workdir: Path) -> list[dict[str, Any]]:
    """`counterpoint match --json` against a warm index cache and a cold one (an empty DATA_DIR of its own, so the
    user's data/ is left alone), and the bm25s script; each `repeat` times in rotating order."""
    counterpoint = [str(Path(sys.executable).parent / "counterpoint"), "match", "--json"]
    cmds = {"counterpoint": counterpoint, "counterpoint-cold": counterpoint,
            "bm25s": [sys.executable, str(HERE / "bm25s_match.py")]}
    warm_env = {**os.environ, "DATA_DIR": str(workdir / "data-warm")}
    _timed_process(counterpoint, stdin_path, warm_env)  # untimed: fills the warm cache
    runs: dict[str, list[tuple[float, float, int, str, float]]] = {k: [] for k in cmds}
    for n in range(max(1, args.repeat)):
        order = list(cmds)[n % len(cmds):] + list(cmds)[:n % len(cmds)]  # rotate to even out drift
        for engine in order:
            env = {**os.environ, "DATA_DIR": str(workdir / f"data-cold-{n}")} if engine.endswith("cold") else warm_env
            print(f"whole-process {engine} run {n + 1} ...", file=sys.stderr, flush=True)
            runs[engine].append(_timed_process(cmds[engine], stdin_path, env))
    rows = []
    for engine, results in runs.items():
        row: dict[str, Any] = {"engine": engine, "command": " ".join(cmds[engine]), "messages": n_messages,
                               "runs_s": [round(r[0], 2) for r in results], "cpu_s": [round(r[4], 2) for r in results],
                               "wall_s": round(statistics.median(r[0] for r in results), 3),
                               "peak_rss_mb": round(max(r[1] for r in results), 1)}
        failed = [r for r in results if r[2] != 0]
        if failed:
            row["error"] = f"exit {failed[0][2]}: {failed[0][3]}"
        rows.append(row)
    judge_whole(rows)
    return rows


def _child(args: argparse.Namespace) -> int:
    from bench_scenarios import run

    result = run(args.scenario, args.messages_file, args.synthetic, args.seed, args.subsample)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.scenario:
        return _child(args)
    wanted = set(args.only or [*SCENARIOS, "whole"])
    load_start = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="cp-bench-") as tmp:
        labelled, stdin, mix = _write_messages(args, Path(tmp))
        scenarios = []
        for name in (s for s in SCENARIOS if s in wanted):
            row = _run_scenario(name, args, labelled)
            row["target"], row["ok"] = judge_scenario(row)
            scenarios.append(row)
        whole = _whole_process(args, stdin, args.messages, Path(tmp)) if "whole" in wanted else []
    meta = {"seed": args.seed, "messages": args.messages, "synthetic_passages": args.synthetic,
            "message_mix": mix, "subsample": args.subsample, "repeat": args.repeat,
            "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "loadavg_start": load_start, "loadavg_end": round(os.getloadavg()[0], 2),
            "targets": {"p99_ms": TARGET_P99_MS, "peak_rss_mb": TARGET_RSS_MB, "build_s": TARGET_BUILD_S,
                        "whole_process": "wall <= bm25s wall"}}
    print(table(scenarios, whole))
    print(notes(meta, scenarios, whole))
    # other benchmarks keep their own keys in the same file (dense_peer, burst)
    kept = json.loads(args.output.read_text(encoding="utf-8")) if args.output.is_file() else {}
    kept.update({"meta": meta, "scenarios": scenarios, "whole_process": whole})
    args.output.write_text(json.dumps(kept, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results written to {args.output}")
    crashed = any("error" in r for r in [*scenarios, *whole])
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
