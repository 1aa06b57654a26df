"""The benchmark's targets, its one plain-text table and the notes printed under it."""
from __future__ import annotations

from typing import Any

# per corpus: the bundled corpus (the bot as shipped) and 100k synthetic passages; words + embeddings
TARGET_P99_MS = {"bundled": 10.0, "synthetic": 15.0}
TARGET_RSS_MB = {"bundled": 250.0, "synthetic": 600.0}
TARGET_BUILD_S = 30.0
COLUMNS = ("scenario", "docs", "load s", "build s", "build cpu s", "msgs", "msgs/s", "p50 ms", "p99 ms",
           "p99 cpu ms", "max ms", "peak RSS MB", "wall s", "target", "OK")


def judge_scenario(row: dict[str, Any]) -> tuple[str, str]:
    """(target, verdict) for an in-process scenario row; baselines are for comparison only."""
    if "error" in row:
        return "-", "CRASHED"
    if row["engine"] != "counterpoint":
        return "comparison", "-"
    missed = []
    p99, rss = TARGET_P99_MS[row["corpus"]], TARGET_RSS_MB[row["corpus"]]
    if row["p99_ms"] > p99:  # say when the CPU-time figure meets it: the miss is then contention
        missed.append("p99" + ("(cpu ok)" if row["cpu_p99_ms"] <= p99 else ""))
    if row["peak_rss_mb"] > rss:
        missed.append("RSS")
    if row["build_s"] > TARGET_BUILD_S:
        missed.append("build" + ("(cpu ok)" if row["build_cpu_s"] <= TARGET_BUILD_S else ""))
    target = f"p99<={p99:g}ms RSS<={rss:g}MB build<={TARGET_BUILD_S:g}s"
    return target, "ok" if not missed else "MISS " + ",".join(missed)


def judge_whole(rows: list[dict[str, Any]]) -> None:
    """Counterpoint's whole-process wall time must not exceed bm25s's."""
    base = next((r for r in rows if r["engine"] == "bm25s"), None)
    for row in rows:
        row["target"], row["ok"] = ("comparison", "-") if row is base else ("wall <= bm25s", "-")
        if "error" in row:
            row["ok"] = "CRASHED"
        elif row is not base and base and "error" not in base:
            ratio = row["wall_s"] / base["wall_s"]
            row["ok"] = "ok" if ratio <= 1 else f"MISS x{ratio:.2f}"


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _scenario_cells(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return [r["scenario"]] + ["-"] * (len(COLUMNS) - 4) + [_fmt(r.get("wall_s")), "-", "CRASHED"]
    load = r.get("load_s", 0.0) + r.get("synthesis_s", 0.0)
    name = r["scenario"] + (f" [{r['messages']} msgs]" if r.get("note") else "")
    return [name, _fmt(r["docs"]), _fmt(load), _fmt(r["build_s"]), _fmt(r["build_cpu_s"]), _fmt(r["messages"]),
            _fmt(r["msgs_per_s"], 0), _fmt(r["p50_ms"], 3), _fmt(r["p99_ms"], 3), _fmt(r["cpu_p99_ms"], 3),
            _fmt(r["max_ms"], 1), _fmt(r["peak_rss_mb"], 0), _fmt(r.get("wall_s")), r["target"], r["ok"]]


def _whole_cells(r: dict[str, Any]) -> list[str]:
    msgs = r.get("messages")
    rate = msgs / r["wall_s"] if msgs and r.get("wall_s") else None
    return [f"whole-process {r['engine']}", "-", "-", "-", "-", _fmt(msgs), _fmt(rate, 0), "-", "-", "-", "-",
            _fmt(r.get("peak_rss_mb"), 0), _fmt(r.get("wall_s")), r["target"], r["ok"]]


def table(scenarios: list[dict[str, Any]], whole: list[dict[str, Any]]) -> str:
    rows = [list(COLUMNS)] + [_scenario_cells(r) for r in scenarios] + [_whole_cells(r) for r in whole]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    left = {0, len(COLUMNS) - 2, len(COLUMNS) - 1}
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def notes(meta: dict[str, Any], scenarios: list[dict[str, Any]], whole: list[dict[str, Any]]) -> str:
    out = [f"messages: {meta['message_mix']}; seed {meta['seed']}; python {meta['python']}; "
           f"{meta['cpus']} CPUs; {meta['platform']}",
           "docs: passages for counterpoint, two-sentence documents (consecutive passage pairs) for bm25s/rank_bm25; "
           "load s = corpus load (+ synthetic generation); wall s = the child process from start to exit; "
           "peak RSS = ru_maxrss of that process alone; cpu = CPU time of the process/thread (unaffected by "
           "other processes competing for the cores; wall figures are).",
           f"1-min load average: {meta['loadavg_start']} at start, {meta['loadavg_end']} at end, on "
           f"{meta['cpus']} CPUs; per scenario (before build, after matching): " +
           ", ".join(f"{r['scenario']} {r['loadavg_1min']}" for r in scenarios if "loadavg_1min" in r)]
    out += [f"{r['scenario']}: {r['note']}" for r in scenarios if r.get("note")]
    out += [f"{r['scenario']}: CRASHED: {r['error']}" for r in scenarios if "error" in r]
    if whole:
        out.append(f"whole-process: median of {meta['repeat']} runs each, {whole[0].get('messages')} JSON lines on "
                   "stdin, stdout to /dev/null; counterpoint = index cache warm, counterpoint-cold = empty DATA_DIR "
                   "(builds the index and writes its cache); runs: " +
                   "; ".join(f"{r['engine']} wall {r.get('runs_s')} cpu {r.get('cpu_s')}" for r in whole))
    return "\n".join(out)
