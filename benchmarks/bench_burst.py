"""Burst benchmark: 2,000 Slack message events at concurrency 50 to one `counterpoint run slack` worker.

Run it from the repository root (the `test` extra supplies the Slack stand-in's dependencies):

    .venv/bin/python benchmarks/bench_burst.py                       # 2,000 events, concurrency 50, SQLite
    .venv/bin/python benchmarks/bench_burst.py --events 500 --concurrency 20 --no-write
    .venv/bin/python benchmarks/bench_burst.py --database-url postgresql+asyncpg://postgres@127.0.0.1:55432/postgres

One worker (`counterpoint run slack` in HTTP mode, its own process, on a fresh SQLite file in a temporary
folder unless --database-url names another database) answers signed `message` events sent over HTTP; its
Web API calls go to the local Slack stand-in (tests/slack_standin) running in this process. Every channel
has auto replies on with no cooldown (AUTO_REPLY_DEFAULT=on, AUTO_REPLY_COOLDOWN_SECONDS=0), so every
message that passes the trigger gate is answered; which ones will is predicted by this process's own
matcher (same settings, DATA_DIR and caches as the worker), and a reply that never arrives counts as lost.

Reported: ack latency (HTTP POST to 200), reply latency (POST sent to the first chat.postMessage in the
message's thread reaching the stand-in), each p50/p99/max, and events/s sustained (events divided by the
time from the first send to the last reply). The figures go to benchmarks/results.json under "burst"
(only that key is replaced). Timings are reported, never judged: the exit code is non-zero only when the
worker failed to start or replies were lost.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(REPO_ROOT), str(REPO_ROOT / "tests")]

import aiohttp  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from slack_standin.server import ApiCall, SlackStandIn  # noqa: E402

SECRET = "bench-signing-secret"
WORKSPACE = "T0STANDIN"


class TimedStandIn(SlackStandIn):
    """The stand-in, noting when the first post into each thread arrived."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.first_post: dict[str, float] = {}

    async def _record(self, call: ApiCall) -> None:
        if call.method == "chat.postMessage" and call.response.get("ok"):
            self.first_post.setdefault(str(call.params.get("thread_ts") or ""), time.perf_counter())
        self.calls.append(call)  # no waiters in the benchmark: skip the condition


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=2000, help="message events to send (default 2000)")
    p.add_argument("--concurrency", type=int, default=50, help="requests in flight at once (default 50)")
    p.add_argument("--channels", type=int, default=100, help="channels the events are spread over (default 100)")
    p.add_argument("--seed", type=int, default=20240723, help="seed for the generated messages")
    p.add_argument("--database-url", help="the worker's DATABASE_URL (default: a fresh SQLite file)")
    p.add_argument("--embeddings", choices=["on", "off"], help="the worker's EMBEDDINGS (default: its default)")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the last reply")
    p.add_argument("--output", type=Path, default=HERE / "results.json", help="results file (key 'burst')")
    p.add_argument("--no-write", action="store_true", help="print the figures only")
    return p.parse_args(argv)


def _messages(n: int, seed: int, settings_env: dict[str, str]) -> tuple[list[str], list[bool]]:
    """`n` chat lines (half on-topic, half everyday chatter) and whether the worker's gate answers each one
    (the same matcher and settings as the worker, on the text as the Slack adapter hands it over)."""
    from bench_corpus import bundled
    from bench_messages import generate

    from adapters.slack.escape import unformat
    from bot.match.cache import load_matcher
    from bot.service.args import clean_text
    from bot.settings import Settings

    corpus = bundled()
    # on-topic lines are noisy windows of the sources' sentences and, as often, of the map's own claims
    passages = [p.text for p in corpus.passages]
    claims = [a.claim for a in corpus.argmap]
    pool = passages + claims * max(1, len(passages) // max(1, len(claims)))
    lines = [m.text for m in generate(pool, n + 64, seed) if m.kind != "pathological"]
    lines = [t for t in lines if t.strip()][:n]
    settings = Settings(_env_file=None, **{k.lower(): v for k, v in settings_env.items()})
    matcher = load_matcher(settings)
    texts = [clean_text(unformat(t), settings.match_max_chars) for t in lines]
    answered = [r.trigger for r in matcher.match_many(texts, limit=5, workspace_id=WORKSPACE)]
    return lines, answered


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker_settings(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """The settings (as environment variables) the worker runs with; the matcher cache stays in DATA_DIR."""
    env = {"AUTO_REPLY_DEFAULT": "on", "AUTO_REPLY_COOLDOWN_SECONDS": "0",
           "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{workdir / 'burst.sqlite3'}"}
    if args.embeddings:
        env["EMBEDDINGS"] = args.embeddings
    return env


async def _start_worker(standin: SlackStandIn, port: int, workdir: Path, settings_env: dict[str, str]):
    env = {**os.environ, **settings_env, "SLACK_BOT_TOKEN": standin.token, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": standin.base_url, "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
    env.pop("SLACK_APP_TOKEN", None)
    log = workdir / "worker.log"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "run", "slack", "--port", str(port), cwd=REPO_ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 600  # a first start may ingest the corpus and embed it
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise RuntimeError(f"the worker exited ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return proc
    proc.kill()
    raise RuntimeError("the worker did not start listening within 600 s")


def _envelope(text: str, channel: str, ts: str, event_id: str) -> str:
    event = {"type": "message", "channel": channel, "user": "U0ALICE", "text": text, "ts": ts, "event_ts": ts,
             "channel_type": "channel", "team": WORKSPACE}
    return json.dumps({"token": "legacy", "team_id": WORKSPACE, "api_app_id": "A0STANDIN", "type": "event_callback",
                       "event_id": event_id, "event_time": int(time.time()), "event": event,
                       "authorizations": [{"team_id": WORKSPACE, "user_id": "U0BOT", "is_bot": True}]})


async def _send_all(url: str, bodies: list[str], concurrency: int) -> tuple[list[float], list[float], list[int]]:
    """POST every body (signed) with `concurrency` requests in flight; (send times, ack seconds, statuses)."""
    verifier = SignatureVerifier(SECRET)
    sent, acks, statuses = [0.0] * len(bodies), [0.0] * len(bodies), [0] * len(bodies)
    todo = iter(range(len(bodies)))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def sender() -> None:
            for i in todo:
                ts = str(int(time.time()))
                headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
                           "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=bodies[i])}
                sent[i] = time.perf_counter()
                async with session.post(url, data=bodies[i].encode(), headers=headers) as resp:
                    await resp.read()
                    statuses[i] = resp.status
                acks[i] = time.perf_counter() - sent[i]
        await asyncio.gather(*(sender() for _ in range(concurrency)))
    return sent, acks, statuses


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(_pct(values, 0.5) * 1000, 1), "p99_ms": round(_pct(values, 0.99) * 1000, 1),
            "max_ms": round(max(values, default=float("nan")) * 1000, 1)}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    load_start = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="cp-burst-") as tmp:
        settings_env = _worker_settings(args, Path(tmp))
        texts, answered = _messages(args.events, args.seed, settings_env)
        standin = await TimedStandIn().start()
        port = _free_port()
        worker = await _start_worker(standin, port, Path(tmp), settings_env)
        try:
            channels = [f"C{k:08d}" for k in range(max(1, args.channels))]
            base = 1_650_000_000
            ts = [f"{base + i}.{i:06d}" for i in range(len(texts))]
            bodies = [_envelope(t, channels[i % len(channels)], ts[i], f"EvBurst{i:06d}") for i, t in enumerate(texts)]
            started = time.perf_counter()
            sent, acks, statuses = await _send_all(f"http://127.0.0.1:{port}/slack/events", bodies, args.concurrency)
            acked = time.perf_counter()
            expected = {ts[i] for i, a in enumerate(answered) if a}
            deadline = time.monotonic() + args.timeout
            while not expected <= standin.first_post.keys() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            finished = max([acked, *(standin.first_post[t] for t in expected if t in standin.first_post)])
            replies = [standin.first_post[ts[i]] - sent[i] for i, a in enumerate(answered)
                       if a and ts[i] in standin.first_post]
            lost = len(expected - standin.first_post.keys())
            unexpected = len(set(standin.first_post) - expected - {""})
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(worker.wait(), 30)
            except asyncio.TimeoutError:
                worker.kill()
                await worker.wait()
            await standin.close()
    return {
        "events": len(texts), "concurrency": args.concurrency, "channels": args.channels,
        "backend": "postgresql" if args.database_url and args.database_url.startswith("postgresql") else "sqlite",
        "embeddings": args.embeddings or "default",
        "answered_expected": len(expected), "answered": len(replies), "lost": lost, "unexpected_replies": unexpected,
        "non_200_acks": sum(s != 200 for s in statuses),
        "ack": _ms(acks), "reply": _ms(replies),
        "send_s": round(acked - started, 2), "total_s": round(finished - started, 2),
        "events_per_s": round(len(texts) / max(finished - started, 1e-9), 1),
        "acks_per_s": round(len(texts) / max(acked - started, 1e-9), 1),
        "python": platform.python_version(), "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg_start": load_start, "loadavg_end": round(os.getloadavg()[0], 2),
    }


def _print(result: dict[str, Any]) -> None:
    a, r = result["ack"], result["reply"]
    print(f"{result['events']} events at concurrency {result['concurrency']} over {result['channels']} channels "
          f"({result['backend']}): {result['answered']}/{result['answered_expected']} answered, "
          f"{result['lost']} lost, {result['unexpected_replies']} unexpected, {result['non_200_acks']} non-200 acks")
    print(f"  ack    p50 {a['p50_ms']:8.1f} ms   p99 {a['p99_ms']:8.1f} ms   max {a['max_ms']:8.1f} ms")
    print(f"  reply  p50 {r['p50_ms']:8.1f} ms   p99 {r['p99_ms']:8.1f} ms   max {r['max_ms']:8.1f} ms")
    print(f"  {result['events_per_s']} events/s sustained ({result['total_s']} s to the last reply; "
          f"sending took {result['send_s']} s, {result['acks_per_s']} acks/s); "
          f"load {result['loadavg_start']} -> {result['loadavg_end']}")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    result = asyncio.run(run(args))
    _print(result)
    if not args.no_write:
        data = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
        data["burst"] = result
        args.output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"figures written to {args.output} (key 'burst')")
    return 1 if result["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
