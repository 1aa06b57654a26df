"""A start-up cache of the built matcher, keyed by the corpus files and the code that indexes them."""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from pathlib import Path

from bot.corpus import load_corpus
from bot.match.matcher import Matcher
from bot.settings import Settings

log = logging.getLogger(__name__)
_CODE = Path(__file__).resolve().parent.parent  # bot/
_INDEXING_CODE = ("match", "ingest", "argmap", "corpus.py", "textnorm.py", "yamlfile.py")


def cache_key(corpus_dir: Path) -> str:
    """Changes whenever a corpus file or the indexing code changes."""
    digest = hashlib.sha256(f"{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    roots = [corpus_dir] + [_CODE / name for name in _INDEXING_CODE]
    for root in roots:
        files = sorted(p for p in (root.rglob("*") if root.is_dir() else [root])
                       if p.is_file() and p.suffix in (".py", ".yaml", ".txt", ".md"))
        for path in files:
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def load_matcher(settings: Settings, *, use_cache: bool = True) -> Matcher:
    """The matcher for the settings' corpus: from the cache when it is current, else built and cached."""
    corpus_dir = Path(settings.corpus_dir).resolve()
    if not use_cache:
        return Matcher(load_corpus(corpus_dir, strict=False), settings)
    path = Path(settings.data_dir) / "cache" / f"matcher-{cache_key(corpus_dir)}.pickle"
    try:
        with path.open("rb") as fh:
            matcher = pickle.load(fh)  # noqa: S301 - our own file in our own data dir
        matcher.use_settings(settings)
        return matcher
    except FileNotFoundError:
        pass
    except Exception as exc:  # a stale or damaged cache is rebuilt, never fatal
        log.warning("matcher cache %s unreadable (%s); rebuilding", path, exc)
    matcher = Matcher(load_corpus(corpus_dir, strict=False), settings)
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
