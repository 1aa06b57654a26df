"""One benchmark scenario, run in its own child process: load, build the index, time each message, read peak RSS."""
from __future__ import annotations

import importlib
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psutil

TOP_K = 3
SCENARIOS = ("counterpoint-bundled", "counterpoint-synthetic", "bm25s-bundled", "bm25s-synthetic",
             "rank_bm25-bundled", "rank_bm25-synthetic")


def _mb(n_bytes: float) -> float:
    return round(n_bytes / 2**20, 1)


def percentile(sorted_ns: Sequence[int], pct: float) -> float:
    """Nearest-rank percentile in milliseconds."""
    if not sorted_ns:
        return 0.0
    rank = max(1, -(-len(sorted_ns) * pct // 100))
    return sorted_ns[int(rank) - 1] / 1e6


def _time_each(fn: Callable[[str], object], messages: Sequence[dict[str, str]]) -> dict[str, Any]:
    lat: list[int] = []
    cpu: list[int] = []
    started = time.perf_counter()
    for m in messages:
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        fn(m["text"])
        lat.append(time.perf_counter_ns() - t0)
        cpu.append(time.thread_time_ns() - c0)
    total = time.perf_counter() - started
    by_kind: dict[str, list[int]] = {}
    for m, ns in zip(messages, lat):
        by_kind.setdefault(m["kind"], []).append(ns)
    ordered = sorted(lat)
    slowest = max(range(len(lat)), key=lat.__getitem__) if lat else None
    return {
        "messages": len(messages), "match_s": round(total, 3),
        "msgs_per_s": round(len(messages) / total, 1) if total else 0.0,
        "p50_ms": round(percentile(ordered, 50), 3), "p99_ms": round(percentile(ordered, 99), 3),
        "max_ms": round(ordered[-1] / 1e6, 3) if ordered else 0.0,
        # CPU time of the matching thread: what the code costs when other processes compete for the cores
        "cpu_p50_ms": round(percentile(sorted(cpu), 50), 3), "cpu_p99_ms": round(percentile(sorted(cpu), 99), 3),
        "slowest_kind": messages[slowest]["kind"] if slowest is not None else None,
        "slowest_chars": len(messages[slowest]["text"]) if slowest is not None else None,
        "p99_ms_by_kind": {k: round(percentile(sorted(v), 99), 3) for k, v in sorted(by_kind.items())},
    }


def _corpus(synthetic: bool, n_synthetic: int, seed: int) -> tuple[Any, dict[str, float]]:
    import bench_corpus

    t0 = time.perf_counter()
    corpus = bench_corpus.bundled()
    timings = {"load_s": time.perf_counter() - t0}
    if synthetic:
        t0 = time.perf_counter()
        corpus = bench_corpus.with_synthetic(corpus, n_synthetic, seed)
        timings["synthesis_s"] = time.perf_counter() - t0
    return corpus, timings


def _counterpoint(corpus: Any) -> tuple[Callable[[str], object], int]:
    """The matcher as the bot runs it: words and the bundled embedding model (map embeddings cached in a
    temporary folder, so each run embeds them afresh)."""
    from bot.match.cache import build_matcher
    from bot.settings import Settings

    data = tempfile.mkdtemp(prefix="cp-bench-")
    matcher = build_matcher(corpus, Settings(corpus_dir=corpus.corpus_dir, data_dir=data))
    return matcher.match, len(corpus.passages)


def _bm25s(corpus: Any) -> tuple[Callable[[str], object], int]:
    import bm25s

    from bench_corpus import pair_documents

    docs = pair_documents(corpus.passages)
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([t for _, t in docs], stopwords="en", show_progress=False), show_progress=False)
    k = min(TOP_K, len(docs))

    def search(text: str) -> object:
        query = bm25s.tokenize(text, stopwords="en", return_ids=False, show_progress=False)
        return retriever.retrieve(query, k=k, show_progress=False)

    return search, len(docs)


def _rank_bm25(corpus: Any) -> tuple[Callable[[str], object], int]:
    import bm25s
    from rank_bm25 import BM25Okapi

    from bench_corpus import pair_documents

    docs = pair_documents(corpus.passages)
    tokenized = bm25s.tokenize([t for _, t in docs], stopwords="en", return_ids=False, show_progress=False)
    index = BM25Okapi(tokenized)
    texts = [t for _, t in docs]

    def search(text: str) -> object:
        query = bm25s.tokenize(text, stopwords="en", return_ids=False, show_progress=False)[0]
        return index.get_top_n(query, texts, n=TOP_K)

    return search, len(docs)


BUILDERS = {"counterpoint": _counterpoint, "bm25s": _bm25s, "rank_bm25": _rank_bm25}
IMPORTS = {"counterpoint": ("bot.match.cache", "bot.settings", "onnxruntime", "tokenizers"), "bm25s": ("bm25s",),
           "rank_bm25": ("bm25s", "rank_bm25")}


def run(name: str, messages_path: Path, n_synthetic: int, seed: int, subsample: int) -> dict[str, Any]:
    """Run scenario `name` ("<engine>-bundled" or "<engine>-synthetic") and return its figures."""
    engine, _, corpus_kind = name.rpartition("-")
    messages = [json.loads(line) for line in messages_path.read_text(encoding="utf-8").splitlines()]
    note = ""
    if engine == "rank_bm25" and corpus_kind == "synthetic" and subsample < len(messages):
        picked = sorted(random.Random(seed).sample(range(len(messages)), subsample))
        messages = [messages[i] for i in picked]
        note = f"subsample of {subsample} messages (rank_bm25 scores every document in Python per query)"
    corpus, timings = _corpus(corpus_kind == "synthetic", n_synthetic, seed)
    for module in IMPORTS[engine]:  # imports are not index build time
        importlib.import_module(module)
    rss_before = psutil.Process().memory_info().rss
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    search, n_docs = BUILDERS[engine](corpus)
    build_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    rss_built = psutil.Process().memory_info().rss
    figures = _time_each(search, messages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    unit = "passages" if engine == "counterpoint" else "2-sentence docs"
    return {
        "scenario": name, "engine": engine, "corpus": corpus_kind, "docs": n_docs, "doc_unit": unit,
        **{k: round(v, 3) for k, v in timings.items()}, "build_s": round(build_s, 3),
        "build_cpu_s": round(build_cpu_s, 3), **figures,
        "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "rss_before_build_mb": _mb(rss_before), "rss_after_build_mb": _mb(rss_built), "peak_rss_mb": _mb(peak),
        "note": note,
    }
