"""CLI: `match --json` (batch matcher contract) and `ask` (a readable answer to one message)."""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time

from bot.errors import CorpusError
from bot.settings import get_settings

try:
    import orjson
except ImportError:  # optional speed-up
    orjson = None  # type: ignore[assignment]


def register(sub: argparse._SubParsersAction) -> None:
    match = sub.add_parser("match", help="match messages read from stdin (JSON lines) to arguments")
    match.add_argument("--json", action="store_true", required=True, help="JSON lines in, JSON lines out")
    match.add_argument("--limit", type=int, default=3, help="matches per message (default 3)")
    match.add_argument("--no-cache", action="store_true", help="rebuild the index instead of using data/cache")
    match.set_defaults(handler=_match)


def _match(args: argparse.Namespace) -> int:
    from bot.match.cache import load_matcher

    settings = get_settings()
    started = time.perf_counter()
    try:
        matcher = load_matcher(settings, use_cache=not args.no_cache)
    except CorpusError as exc:
        print(f"corpus error: {exc}", file=sys.stderr)
        return 1
    print(f"index ready in {time.perf_counter() - started:.2f}s", file=sys.stderr)
    gc.freeze()  # the index lives as long as the process: keep it out of every garbage collection
    out = sys.stdout.buffer
    limit = max(1, min(args.limit, 10))
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"] if isinstance(item, dict) else None
            if not isinstance(text, str):
                raise ValueError("expected an object with a string `text`")
        except (ValueError, KeyError) as exc:
            print(f"line {n}: {exc}", file=sys.stderr)
            out.write(_encode({"text": None, "trigger": False, "matches": [], "error": str(exc)}))
            continue
        out.write(_encode(matcher.match(text, limit=limit).to_json()))
    out.flush()
    return 0


def _encode(obj: dict) -> bytes:
    """One JSON line; orjson when installed (several times faster), ASCII escapes for odd strings."""
    if orjson is not None:
        try:
            return orjson.dumps(obj) + b"\n"
        except TypeError:  # e.g. a lone surrogate, which is not valid UTF-8
            pass
    return (json.dumps(obj) + "\n").encode("ascii")
