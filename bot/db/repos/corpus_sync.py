"""`counterpoint ingest`: copy the loaded corpus into the database idempotently, sparing moderator data."""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from bot.db.engine import Database
from bot.db.models import Argument as ArgumentRow
from bot.db.models import CounterLink, Meta, Passage, Source
from bot.db.repos.arguments import argument_hash, new_argument_row, update_argument_row
from bot.ingest.types import Passage as PassageValue
from bot.ingest.types import Source as SourceValue

if TYPE_CHECKING:
    from bot.corpus import Corpus

FINGERPRINT_KEY = "corpus_fingerprint"


@dataclass(slots=True)
class SyncReport:
    """What an ingest run changed."""

    sources_added: int = 0
    sources_updated: int = 0
    sources_removed: int = 0
    passages_written: int = 0
    arguments_added: int = 0
    arguments_updated: int = 0
    arguments_removed: int = 0
    links_added: int = 0
    links_removed: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.sources_added, self.sources_updated, self.sources_removed, self.arguments_added,
                    self.arguments_updated, self.arguments_removed, self.links_added, self.links_removed))

    def summary(self) -> str:
        lines = [f"sources: +{self.sources_added} ~{self.sources_updated} -{self.sources_removed} "
                 f"({self.passages_written} passages written)",
                 f"arguments: +{self.arguments_added} ~{self.arguments_updated} -{self.arguments_removed}",
                 f"counter links: +{self.links_added} -{self.links_removed}"]
        lines += [f"skipped: {s}" for s in self.skipped]
        if not self.changed:
            lines.append("nothing changed")
        return "\n".join(lines)


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _passage_payload(p: PassageValue) -> list[Any]:
    return [p.index, p.text, p.original_text, p.speaker, p.locator, p.url, p.line]


def source_hash(source: SourceValue, passages: list[PassageValue]) -> str:
    return _digest({"source": [source.title, source.kind, source.file, source.format, source.url,
                               list(source.speakers), source.speaker_labels, source.default_speaker,
                               source.reworded],
                    "passages": [_passage_payload(p) for p in passages]})


def corpus_fingerprint(corpus: "Corpus") -> str:
    """A digest of every source, passage and curated argument; equal digests mean nothing to ingest."""
    sources = {sid: source_hash(s, corpus.passages_of(sid)) for sid, s in corpus.sources.items()}
    arguments = {a.id: [argument_hash(a), sorted(a.counters)] for a in corpus.argmap if a.origin == "curated"}
    return _digest({"sources": sources, "arguments": arguments})


async def stored_fingerprint(session: AsyncSession) -> str | None:
    row = await session.get(Meta, FINGERPRINT_KEY)
    return row.value if row else None


async def _sync_sources(session: AsyncSession, corpus: "Corpus", report: SyncReport, now: datetime,
                        bar: tqdm) -> None:
    existing = {s.id: s for s in (await session.scalars(select(Source))).all()}
    for sid, source in corpus.sources.items():
        bar.set_postfix_str(f"source {sid}")
        passages = corpus.passages_of(sid)
        digest = source_hash(source, passages)
        row = existing.pop(sid, None)
        if row is not None and row.content_hash == digest:
            bar.update(1)
            continue
        if row is None:
            row = Source(id=sid)
            session.add(row)
            report.sources_added += 1
        else:
            await session.execute(delete(Passage).where(Passage.source_id == sid))
            report.sources_updated += 1
        row.title, row.kind, row.file, row.format = source.title, source.kind, source.file, source.format
        row.url, row.speakers, row.reworded = source.url, list(source.speakers), source.reworded
        row.content_hash, row.updated_at = digest, now
        await session.flush()
        if passages:
            await session.execute(insert(Passage), [
                {"source_id": sid, "position": p.index, "text": p.text, "original_text": p.original_text,
                 "speaker": p.speaker, "locator": p.locator, "url": p.url, "line": p.line} for p in passages])
        report.passages_written += len(passages)
        bar.update(1)
    for row in existing.values():
        await session.delete(row)
        report.sources_removed += 1


async def _sync_arguments(session: AsyncSession, corpus: "Corpus", report: SyncReport, now: datetime,
                          bar: tqdm) -> set[str]:
    """Upsert curated arguments; returns the ids now stored as curated."""
    rows = {r.id: r for r in (await session.scalars(select(ArgumentRow))).all()}
    curated: set[str] = set()
    for argument in corpus.argmap:
        bar.update(1)
        if argument.origin != "curated":
            continue
        row = rows.get(argument.id)
        if row is not None and row.origin != "curated":
            report.skipped.append(f"curated argument {argument.id!r}: id already used by a moderator argument")
            continue
        curated.add(argument.id)
        if row is None:
            session.add(new_argument_row(argument, now=now))
            report.arguments_added += 1
        elif row.content_hash != argument_hash(argument):
            update_argument_row(row, argument, now=now)
            report.arguments_updated += 1
    for row in rows.values():
        if row.origin == "curated" and row.id not in curated:
            await session.delete(row)
            report.arguments_removed += 1
    await session.flush()
    return curated


async def _sync_links(session: AsyncSession, corpus: "Corpus", curated: set[str], report: SyncReport,
                      now: datetime) -> None:
    wanted = {(a.id, c) for a in corpus.argmap if a.id in curated for c in a.counters}
    rows = (await session.scalars(select(CounterLink))).all()
    present = {(r.argument_id, r.counter_id): r for r in rows}
    missing = sorted(wanted - present.keys())
    if missing:
        await session.execute(insert(CounterLink), [
            {"argument_id": a, "counter_id": c, "origin": "curated", "workspace_id": None, "created_by": None,
             "created_at": now} for a, c in missing])
        report.links_added += len(missing)
    for pair, row in present.items():
        if row.origin == "curated" and pair not in wanted:
            await session.delete(row)
            report.links_removed += 1


async def sync_corpus(db: Database, corpus: "Corpus", *, now: datetime, progress: bool = False) -> SyncReport:
    """Make the corpus tables match `corpus` in one transaction; moderator rows are never touched.

    Workers started together on an empty database race to ingest: the loser's transaction fails on a
    duplicate row and rolls back, and it finds the corpus already current (or tries again)."""
    for _ in range(2):
        try:
            return await _sync_once(db, corpus, now=now, progress=progress)
        except IntegrityError:
            if await corpus_is_current(db, corpus):
                return SyncReport()
    return await _sync_once(db, corpus, now=now, progress=progress)


async def _sync_once(db: Database, corpus: "Corpus", *, now: datetime, progress: bool) -> SyncReport:
    report = SyncReport()
    fingerprint = corpus_fingerprint(corpus)
    total = len(corpus.sources) + len(corpus.argmap)
    with tqdm(total=total, desc="ingest", unit="item", file=sys.stderr, disable=not progress) as bar:
        async with db.write() as session:
            await _sync_sources(session, corpus, report, now, bar)
            curated = await _sync_arguments(session, corpus, report, now, bar)
            await _sync_links(session, corpus, curated, report, now)
            meta = await session.get(Meta, FINGERPRINT_KEY)
            if meta is None:
                session.add(Meta(key=FINGERPRINT_KEY, value=fingerprint))
            elif meta.value != fingerprint:
                meta.value = fingerprint
    return report


async def corpus_is_current(db: Database, corpus: "Corpus") -> bool:
    """True when the last ingest stored exactly this corpus."""
    async with db.read() as session:
        return await stored_fingerprint(session) == corpus_fingerprint(corpus)
