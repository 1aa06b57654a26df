"""CLI: `corpus check`, `corpus --json`, `sources` and `topics`."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from bot.corpus import Corpus, check_corpus, load_corpus
from bot.errors import CorpusError
from bot.exitcodes import ExitCode
from bot.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="validate the corpus or print the argument map")
    corpus.add_argument("action", nargs="?", choices=["check"], help="check: verify every quote and link")
    corpus.add_argument("--json", action="store_true", help="print sources and arguments as JSON")
    corpus.set_defaults(handler=_corpus)
    sources = sub.add_parser("sources", help="list the source documents")
    sources.set_defaults(handler=_sources)
    topics = sub.add_parser("topics", help="list the topics of the argument map")
    topics.set_defaults(handler=_topics)


def _load() -> Corpus | None:
    """The corpus from the settings' folder, or None after printing why it cannot be loaded."""
    try:
        return load_corpus(get_settings().corpus_dir)
    except CorpusError as exc:
        print(f"corpus error: {exc}", file=sys.stderr)
        return None


def _corpus(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(get_settings().corpus_dir)
    corpus = _load()
    if corpus is None:
        return ExitCode.CORPUS
    if not args.json:
        print(f"{len(corpus.sources)} sources, {len(corpus.passages)} passages, {len(corpus.argmap)} arguments; "
              "use --json for the map or `counterpoint corpus check` to validate it")
        return 0
    out = {
        "sources": [{"id": s.id, "title": s.title, "kind": s.kind, "file": s.file, "url": s.url,
                     "speakers": list(s.speakers)} for s in corpus.sources.values()],
        "arguments": [a.to_json() for a in corpus.argmap],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def _check(corpus_dir: Path) -> int:
    try:
        corpus, errors = check_corpus(corpus_dir)
    except CorpusError as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        return ExitCode.CORPUS
    for err in errors:
        print(f"FAIL {err}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s) found", file=sys.stderr)
        return ExitCode.CORPUS
    stances = Counter(a.stance for a in corpus.argmap)
    quotes = sum(len(a.quotes) for a in corpus.argmap)
    print(f"ok: {len(corpus.sources)} sources, {len(corpus.passages)} passages, {len(corpus.argmap)} arguments "
          f"({stances['open']} open, {stances['closed']} closed, {stances['mixed']} mixed), {quotes} quotes verified, "
          f"{sum(map(len, corpus.chat.utterances.values()))} utterances, "
          f"{len(corpus.chat.not_claims)} not-a-claim messages")
    return 0


def _sources(args: argparse.Namespace) -> int:
    corpus = _load()
    if corpus is None:
        return ExitCode.CORPUS
    for s in corpus.sources.values():
        speakers = ", ".join(s.speakers) or "unnamed"
        n = len(corpus.passages_of(s.id))
        print(f"{s.id}  {s.title}\n     {s.kind}; speakers: {speakers}; {n} passages; {s.file}"
              + (f"\n     {s.url}" if s.url else ""))
    return 0


def _topics(args: argparse.Namespace) -> int:
    corpus = _load()
    if corpus is None:
        return ExitCode.CORPUS
    by_topic: dict[str, Counter] = {}
    for a in corpus.argmap:
        by_topic.setdefault(a.topic, Counter())[a.stance] += 1
    for topic in sorted(by_topic):
        c = by_topic[topic]
        print(f"{topic:28} {c['open']} open, {c['closed']} closed, {c['mixed']} mixed")
    return 0
