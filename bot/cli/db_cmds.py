"""CLI subcommands `db upgrade|downgrade|current` and `ingest` (load the corpus into the database)."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import CorpusError, CounterpointError
from bot.exitcodes import ExitCode, exit_code_for
from bot.settings import Settings, get_settings

if TYPE_CHECKING:
    from bot.corpus import Corpus
    from bot.db.repos.corpus_sync import SyncReport


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    db = sub.add_parser("db", help="database migrations (SQLite or PostgreSQL, from DATABASE_URL)")
    actions = db.add_subparsers(dest="db_action", metavar="ACTION")
    db.set_defaults(handler=lambda args: (db.print_help(), 2)[1])
    up = actions.add_parser("upgrade", help="migrate to the latest revision (or --revision)")
    up.add_argument("--revision", default="head", help="target revision (default: head)")
    up.set_defaults(handler=_upgrade)
    down = actions.add_parser("downgrade", help="migrate down to --revision ('base' drops every table)")
    down.add_argument("--revision", required=True)
    down.set_defaults(handler=_downgrade)
    current = actions.add_parser("current", help="print the revision the database is at")
    current.set_defaults(handler=_current)

    ingest = sub.add_parser("ingest", help="load the corpus into the database (idempotent; keeps moderator data)")
    ingest.add_argument("--corpus-dir", type=Path, default=None, help="corpus folder (default: settings)")
    ingest.set_defaults(handler=_ingest)


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings()
    corpus_dir = getattr(args, "corpus_dir", None)
    return settings.model_copy(update={"corpus_dir": corpus_dir}) if corpus_dir else settings


def _fail(message: str, code: int = ExitCode.ERROR) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _failed(what: str, url: str, exc: Exception) -> int:
    """One line for `exc`: our own errors say it all; others (alembic's unknown revision) get context."""
    from bot.db.engine import safe_url

    if isinstance(exc, CounterpointError):
        return _fail(str(exc), exit_code_for(exc))
    return _fail(f"could not {what} {safe_url(url)}: {str(exc).splitlines()[0] if str(exc) else exc!r}")


def _upgrade(args: argparse.Namespace) -> int:
    from bot.db.engine import safe_url
    from bot.db.migrate import upgrade_database

    url = _settings(args).effective_database_url
    try:
        revision = asyncio.run(upgrade_database(url, args.revision))
    except Exception as exc:  # noqa: BLE001 - ours, or alembic's CommandError for an unknown revision
        return _failed("migrate", url, exc)
    print(f"{safe_url(url)} is at revision {revision}")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    from bot.db.engine import safe_url
    from bot.db.migrate import downgrade_database

    url = _settings(args).effective_database_url
    try:
        revision = asyncio.run(downgrade_database(url, args.revision))
    except Exception as exc:  # noqa: BLE001
        return _failed("migrate", url, exc)
    print(f"{safe_url(url)} is at revision {revision or 'base (empty)'}")
    return 0


def _current(args: argparse.Namespace) -> int:
    from bot.db.engine import safe_url
    from bot.db.migrate import current_revision, head_revision

    url = _settings(args).effective_database_url
    try:
        revision = asyncio.run(current_revision(url))
    except Exception as exc:  # noqa: BLE001
        return _failed("read", url, exc)
    head = head_revision()
    state = "up to date" if revision == head else f"head is {head}; run `counterpoint db upgrade`"
    print(f"{safe_url(url)} is at revision {revision or 'base (empty)'} ({state})")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from bot.corpus import load_corpus
    from bot.db.engine import safe_url

    settings = _settings(args)
    try:
        corpus = load_corpus(settings.corpus_dir)
    except CorpusError as exc:
        return _fail(str(exc), ExitCode.CORPUS)
    url = settings.effective_database_url
    try:
        report = asyncio.run(_ingest_async(url, corpus))
    except Exception as exc:  # noqa: BLE001
        return _failed("ingest into", url, exc)
    print(f"ingested {corpus.corpus_dir} into {safe_url(url)}")
    print(report.summary())
    return 0


async def _ingest_async(url: str, corpus: Corpus) -> SyncReport:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade_database
    from bot.db.repos.corpus_sync import sync_corpus
    from bot.db.types import utcnow

    await upgrade_database(url)
    db = Database(url)
    try:
        # the progress bar is for a person watching; piped or logged, it would be a wall of \r-frames
        return await sync_corpus(db, corpus, now=utcnow(), progress=sys.stderr.isatty())
    finally:
        await db.dispose()
