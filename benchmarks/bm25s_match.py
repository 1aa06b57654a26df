"""A whole-process bm25s baseline for `counterpoint match --json`: JSON lines in, top-3 two-sentence passages out."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bm25s  # noqa: E402

from bench_corpus import REPO_ROOT, pair_documents  # noqa: E402
from bot.corpus import load_sources_only  # noqa: E402

TOP_K = 3


def main() -> int:
    # The baseline needs the quotable passages but no argument map, so it parses the sources only.
    docs = pair_documents(load_sources_only(REPO_ROOT / "corpus").passages)
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([t for _, t in docs], stopwords="en", show_progress=False), show_progress=False)
    k = min(TOP_K, len(docs))
    out = sys.stdout
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"] if isinstance(item, dict) else None
            if not isinstance(text, str):
                raise ValueError("expected an object with a string `text`")
        except (ValueError, KeyError) as exc:
            out.write(json.dumps({"text": None, "matches": [], "error": str(exc)}) + "\n")
            continue
        query = bm25s.tokenize(text, stopwords="en", return_ids=False, show_progress=False)
        ids, scores = retriever.retrieve(query, k=k, show_progress=False)
        matches = []
        for i, score in zip(ids[0], scores[0]):
            if score <= 0:
                continue
            first, doc_text = docs[int(i)]
            matches.append({"source_id": first.source_id, "locator": first.locator, "speaker": first.speaker,
                            "text": doc_text, "score": round(float(score), 4)})
        out.write(json.dumps({"text": text, "matches": matches}, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
