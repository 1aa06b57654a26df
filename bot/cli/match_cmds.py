"""CLI: `match --json` (batch matcher contract) and `ask` (a readable answer to one message)."""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Iterator

import orjson

from bot.errors import CorpusError
from bot.settings import get_settings


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
    number = 0
    for lines in _line_batches(sys.stdin.fileno()):
        texts: list[str] = []
        answers: list[dict | None] = []  # None: the next matched text's answer goes here
        for raw in lines:
            number += 1
            if not raw.strip():
                continue
            try:
                item = _decode(raw)
                text = item.get("text") if isinstance(item, dict) else None
                if not isinstance(text, str):
                    raise ValueError("expected an object with a string `text`")
            except ValueError as exc:
                print(f"line {number}: {exc}", file=sys.stderr)
                answers.append({"text": None, "trigger": False, "matches": [], "error": str(exc)})
                continue
            texts.append(text)
            answers.append(None)
        results = iter(matcher.match_many(texts, limit=limit))
        out.write(b"".join(_encode(answer if answer is not None else next(results).to_json()) for answer in answers))
        out.flush()  # a line typed into a pipe is answered at once
    return 0


def _line_batches(fd: int, chunk: int = 1 << 16) -> Iterator[list[bytes]]:
    """The input's lines, in batches of whatever has arrived: a file gives big batches, a person typing
    into a pipe gets each line answered as soon as it is complete."""
    pending = b""
    while True:
        data = os.read(fd, chunk)
        if not data:
            if pending:
                yield [pending]
            return
        *lines, pending = (pending + data).split(b"\n")
        if lines:
            yield lines


def _decode(line: bytes) -> object:
    """One JSON value; orjson (several times faster) unless the line needs the standard library's
    leniency (lone surrogate escapes, NaN, bytes that are not UTF-8), which then also names the error."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line.decode("utf-8", "surrogateescape"))


def _encode(obj: dict) -> bytes:
    """One JSON line; orjson (several times faster), ASCII escapes for strings that are not valid UTF-8."""
    try:
        return orjson.dumps(obj) + b"\n"
    except TypeError:  # e.g. a lone surrogate, which is not valid UTF-8
        return (json.dumps(obj) + "\n").encode("ascii")
