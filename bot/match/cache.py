"""A start-up cache of the built matcher, keyed by the corpus files and the code that indexes them."""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from pathlib import Path

from collections.abc import Iterable

from bot.argmap.types import Argument
from bot.corpus import Corpus, load_corpus
from bot.match.embed import Embedder, load_embedder
from bot.match.matcher import Matcher
from bot.settings import Settings

log = logging.getLogger(__name__)
_CODE = Path(__file__).resolve().parent.parent  # bot/
_INDEXING_CODE = ("match", "ingest", "argmap", "corpus.py", "textnorm.py", "yamlfile.py")


def build_matcher(corpus: Corpus, settings: Settings, extra_arguments: Iterable[Argument] = (), *,
                  embedder: Embedder | None = None) -> Matcher:
    """A matcher with the semantic layer when the embedding model loads (said once, else words only)."""
    embedder = embedder if embedder is not None else load_embedder(settings)
    return Matcher(corpus, settings, extra_arguments, embedder=embedder,
                   cache_dir=Path(settings.embed_cache_dir or Path(settings.data_dir) / "cache"))


def cache_key(corpus_dir: Path, model: str = "") -> str:
    """Changes whenever a corpus file, the indexing code or the embedding model changes."""
    digest = hashlib.sha256(f"{sys.version}|{pickle.HIGHEST_PROTOCOL}|{model}".encode())
    roots = [corpus_dir] + [_CODE / name for name in _INDEXING_CODE]
    for root in roots:
        files = sorted(p for p in (root.rglob("*") if root.is_dir() else [root])
                       if p.is_file() and p.suffix in (".py", ".yaml", ".txt", ".md", ".json"))
        for path in files:
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def load_matcher(settings: Settings, *, use_cache: bool = True) -> Matcher:
    """The matcher for the settings' corpus: from the cache when it is current, else built and cached."""
    corpus_dir = Path(settings.corpus_dir).resolve()
    embedder = load_embedder(settings)
    if not use_cache:
        return build_matcher(load_corpus(corpus_dir, strict=False), settings, embedder=embedder)
    model = embedder.fingerprint if embedder is not None else "words-only"
    path = Path(settings.data_dir) / "cache" / f"matcher-{cache_key(corpus_dir, model)}.pickle"
    try:
        with path.open("rb") as fh:
            matcher = pickle.load(fh)  # noqa: S301 - our own file in our own data dir
        matcher.use_settings(settings)
        if matcher.semantic is not None and embedder is not None:
            matcher.semantic.embedder = embedder  # the session already loaded, not a second one
        return matcher
    except FileNotFoundError:
        pass
    except Exception as exc:  # a stale or damaged cache is rebuilt, never fatal
        log.warning("matcher cache %s unreadable (%s); rebuilding", path, exc)
    matcher = build_matcher(load_corpus(corpus_dir, strict=False), settings, embedder=embedder)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(matcher, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for old in path.parent.glob("matcher-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception as exc:  # caching is an optimisation; failing to cache is not an error
        log.warning("could not write matcher cache %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
    return matcher
