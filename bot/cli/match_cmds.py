"""CLI: `match --json` (batch matcher contract) and `ask` (a readable answer to one message)."""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import orjson

from bot.errors import CorpusError
from bot.exitcodes import ExitCode
from bot.settings import get_settings

if TYPE_CHECKING:
    from bot.match.matcher import Matcher


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
        return ExitCode.CORPUS
    print(f"index ready in {time.perf_counter() - started:.2f}s", file=sys.stderr)
    gc.freeze()  # the index lives as long as the process: keep it out of every garbage collection
    out = sys.stdout.buffer
    limit = max(1, min(args.limit, 10))
    number = 0
    for lines in _line_batches(sys.stdin.fileno()):
        texts: list[str] = []
        numbers: list[int] = []  # the input line of each text
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
            except Exception as exc:  # noqa: BLE001 - whatever a line does to the decoder, the next is answered
                reason = _reason(exc)
                print(f"line {number}: {reason}", file=sys.stderr)
                answers.append({"text": None, "trigger": False, "matches": [], "error": reason})
                continue
            texts.append(text)
            numbers.append(number)
            answers.append(None)
        results = iter(_match_batch(matcher, texts, numbers, limit))
        out.write(b"".join(_encode(answer if answer is not None else next(results)) for answer in answers))
        out.flush()  # a line typed into a pipe is answered at once
    return 0


def _match_batch(matcher: Matcher, texts: list[str], numbers: list[int], limit: int) -> list[dict]:
    """The answers for one batch; if matching the batch fails, each text alone, so that only a text the
    matcher cannot handle gets an error object and every other line its answer."""
    try:
        return [result.to_json() for result in matcher.match_many(texts, limit=limit)]
    except Exception:  # noqa: BLE001 - found below, line by line
        pass
    answers = []
    for text, number in zip(texts, numbers):
        try:
            answers.append(matcher.match_many([text], limit=limit)[0].to_json())
        except Exception as exc:  # noqa: BLE001 - one line must not end the stream
            reason = f"could not match this line ({exc.__class__.__name__})"
            print(f"line {number}: {reason}", file=sys.stderr)
            answers.append({"text": text, "trigger": False, "matches": [], "error": reason})
    return answers


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


def _reason(exc: Exception) -> str:
    """Why a line is unusable, in words (a RecursionError or MemoryError has no useful message)."""
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    if isinstance(exc, MemoryError):
        return "line too large to decode"
    return str(exc) or exc.__class__.__name__


def _encode(obj: dict) -> bytes:
    """One JSON line; orjson (several times faster), ASCII escapes for strings that are not valid UTF-8."""
    try:
        return orjson.dumps(obj) + b"\n"
    except TypeError:  # e.g. a lone surrogate, which is not valid UTF-8
        return (json.dumps(obj) + "\n").encode("ascii")
