"""A compact BM25 index over term lists, with postings as NumPy arrays for fast batch scoring."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


class BM25Index:
    """BM25 (Okapi) over documents given as weighted term counts."""

    def __init__(self, docs: Sequence[dict[str, float]], k1: float = 1.2, b: float = 0.75):
        self.n_docs = len(docs)
        self.k1 = k1
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        doc_ids: list[int] = []
        tfs: list[float] = []
        for doc_id, d in enumerate(docs):
            for term, tf in d.items():
                term_ids.append(vocab.setdefault(term, len(vocab)))
                doc_ids.append(doc_id)
                tfs.append(tf)
        terms = np.array(term_ids, dtype=np.int64)
        owners = np.array(doc_ids, dtype=np.int64)
        tf = np.array(tfs, dtype=np.float64)
        lengths = np.bincount(owners, weights=tf, minlength=self.n_docs)
        avg = float(lengths.mean()) if self.n_docs else 1.0
        df = np.bincount(terms, minlength=len(vocab))
        idf = np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
        self.idf = dict(zip(vocab, idf.tolist()))
        self.unknown_idf = math.log(1 + (self.n_docs + 0.5) / 0.5)
        norm = k1 * (1 - b + b * (lengths[owners] / avg if avg else 1.0))
        weight = (idf[terms] * tf * (k1 + 1) / (tf + norm)).astype(np.float32)
        order = np.argsort(terms, kind="stable")  # group postings by term, documents in order
        self._terms = list(vocab)
        self._bounds = np.searchsorted(terms[order], np.arange(len(vocab) + 1))
        self._docs = owners[order].astype(np.int32)
        self._weights = weight[order]
        self._index_postings()

    def _index_postings(self) -> None:
        """term -> (documents, weights): views into the flat arrays, which are all that is pickled
        (thousands of small arrays take far longer to unpickle than two big ones)."""
        b = self._bounds.tolist()
        self.postings = {t: (self._docs[b[i]:b[i + 1]], self._weights[b[i]:b[i + 1]])
                         for i, t in enumerate(self._terms)}

    def __getstate__(self) -> dict:
        return {k: v for k, v in vars(self).items() if k != "postings"}

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state)
        self._index_postings()

    def ceiling(self, terms: Sequence[str]) -> float:
        """An upper bound of any document's score for these terms (every term at saturation)."""
        return sum(self.idf.get(t, 0.0) for t in dict.fromkeys(terms)) * (self.k1 + 1)

    def idf_of(self, term: str) -> float:
        return self.idf.get(term, self.unknown_idf)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the distinct query terms."""
        parts = [self.postings[t] for t in dict.fromkeys(terms) if t in self.postings]
        if not parts or not self.n_docs:
            return np.zeros(self.n_docs, dtype=np.float32)
        if len(parts) == 1:
            out = np.zeros(self.n_docs, dtype=np.float32)
            out[parts[0][0]] = parts[0][1]
            return out
        doc_ids = np.concatenate([p[0] for p in parts])
        weights = np.concatenate([p[1] for p in parts])
        return np.bincount(doc_ids, weights=weights, minlength=self.n_docs).astype(np.float32)

    def score_and_presence(self, weights: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 score, sum of the given term weights present) of every document, in one pass."""
        bm25, present = self.score_and_presence_many([weights])
        return bm25[0], present[0]

    def score_and_presence_many(self, queries: Sequence[Mapping[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """`score_and_presence` of several queries at once, as (queries x documents) arrays: one set of
        array operations for the whole batch instead of one per message."""
        shape = (len(queries), self.n_docs)
        hits = batch_hits(queries, self.postings, self.n_docs, ids=lambda posting: posting[0])
        if hits is None:
            zeros = np.zeros(shape, dtype=np.float64)
            return zeros, zeros.copy()
        doc_ids, present, postings = hits
        bm25 = np.concatenate([scores for _, scores in postings])
        size = shape[0] * shape[1]
        return (np.bincount(doc_ids, weights=bm25, minlength=size).reshape(shape),
                np.bincount(doc_ids, weights=present, minlength=size).reshape(shape))

    def top(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The k best (doc_id, score) pairs with a positive score, best first."""
        scores = self.scores(terms)
        if not self.n_docs:
            return []
        k = min(k, self.n_docs)
        idx = np.argpartition(-scores, k - 1)[:k] if k < self.n_docs else np.arange(self.n_docs)
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]


def batch_hits(queries: Sequence[Mapping[str, float]], table: Mapping[str, T], width: int,
               ids: Callable[[T], np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, list[T]] | None:
    """Where several queries (term -> weight) hit a postings table, ready for one bincount over a
    (queries x `width`) grid: the document ids of every hit posting offset by its query's row, the query
    term's weight repeated per id, and the postings hit, in that order; None when nothing is hit.
    `ids` reads a posting's document ids (default: the posting is the id array)."""
    hit: list[T] = []
    weights: list[float] = []
    offsets: list[int] = []
    for row, query in enumerate(queries):
        for term, weight in query.items():
            found = table.get(term)
            if found is not None:
                hit.append(found)
                weights.append(weight)
                offsets.append(row * width)
    if not hit:
        return None
    arrays = [ids(h) for h in hit] if ids is not None else hit
    lengths = [len(a) for a in arrays]
    flat = np.concatenate(arrays)
    if len(queries) > 1:
        flat = flat + np.array(offsets).repeat(lengths)
    return flat, np.array(weights).repeat(lengths), hit
