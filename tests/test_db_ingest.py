"""`counterpoint ingest`: idempotent, removes dropped curated arguments, never touches moderator data."""
from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
import subprocess

from bot.argmap.types import Argument, ArgumentMap, Quote
from bot.db.engine import Database
from bot.db.migrate import upgrade_database
from bot.db.repos.arguments import add_moderator_argument, add_moderator_link
from bot.db.repos.corpus_sync import sync_corpus
from service_helpers import Clock, counterpoint_cli

TABLES = ("sources", "passages", "arguments", "quotes", "counter_links", "meta")


def dump(path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def ingest(tmp_path, path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    return subprocess.run([*counterpoint_cli(), "ingest"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def moderator_argument() -> Argument:
    quote = Quote(text="Small labs cannot train frontier models.", source_id="moderator", source_title="example.org",
                  url="https://example.org/x", moderator_supplied=True)
    return Argument(id="mod-small-labs", claim="Open weights help small labs", stance="open", topic="competition",
                    quotes=(quote,), origin="moderator", workspace_id="W1")


async def add_moderator_data(url: str, now) -> None:
    db = Database(url)
    try:
        async with db.write() as session:
            await add_moderator_argument(session, moderator_argument(), created_by="U1", now=now)
            await add_moderator_link(session, "misuse-bioweapons", "mod-small-labs", workspace_id="W1",
                                     created_by="U1", now=now)
    finally:
        await db.dispose()


async def test_ingest_twice_changes_nothing_and_keeps_moderator_data(tmp_path, corpus):
    path = tmp_path / "db.sqlite3"
    first = ingest(tmp_path, path)
    assert first.returncode == 0, first.stderr
    assert "ingest" not in first.stderr  # the progress bar is for terminals only, not a pipe
    added = re.search(r"sources: \+(\d+) .*\((\d+) passages written\)\narguments: \+(\d+)", first.stdout)
    assert added, first.stdout
    sources, passages, arguments = map(int, added.groups())
    assert sources == len(corpus.sources) and passages > 100 and arguments > 20
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == sources
        assert conn.execute("SELECT count(*) FROM passages").fetchone()[0] == passages
        assert conn.execute("SELECT count(*) FROM arguments").fetchone()[0] == arguments
    await add_moderator_data(f"sqlite+aiosqlite:///{path}", Clock()())
    before = dump(path)
    second = ingest(tmp_path, path)
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert dump(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT origin FROM arguments WHERE id='mod-small-labs'").fetchone() == ("moderator",)
        assert conn.execute("SELECT origin FROM counter_links WHERE counter_id='mod-small-labs'").fetchone() \
            == ("moderator",)


def without(corpus, argument_id: str):
    """The corpus with one curated argument dropped (and links to it), as if deleted from the YAML."""
    kept = {a.id: dataclasses.replace(a, counters=tuple(c for c in a.counters if c != argument_id))
            for a in corpus.argmap if a.id != argument_id}
    changed = dataclasses.replace(kept["misuse-compute-checks-bad-actors"], claim="An edited claim.")
    kept[changed.id] = changed
    return dataclasses.replace(corpus, argmap=ArgumentMap(kept))


async def test_removed_curated_arguments_go_moderator_ones_stay(tmp_path, corpus):
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    await upgrade_database(url)
    now = Clock()()
    db = Database(url)
    try:
        await sync_corpus(db, corpus, now=now)
        await add_moderator_data(url, now)
        report = await sync_corpus(db, without(corpus, "misuse-bioweapons"), now=now)
        assert report.arguments_removed == 1 and report.arguments_updated == 1 and report.links_removed > 0
        assert report.sources_updated == 0 and report.passages_written == 0
    finally:
        await db.dispose()
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM arguments WHERE id='misuse-bioweapons'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM quotes WHERE argument_id='misuse-bioweapons'").fetchone() == (0,)
        assert conn.execute("SELECT claim FROM arguments WHERE id='misuse-compute-checks-bad-actors'").fetchone() \
            == ("An edited claim.",)
        assert conn.execute("SELECT origin FROM arguments WHERE id='mod-small-labs'").fetchone() == ("moderator",)
        # the moderator's link survives even though one end was a curated argument that is gone
        assert conn.execute("SELECT count(*) FROM counter_links WHERE counter_id='mod-small-labs'").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM counter_links WHERE origin='curated' AND "
                            "(argument_id='misuse-bioweapons' OR counter_id='misuse-bioweapons')").fetchone() == (0,)
