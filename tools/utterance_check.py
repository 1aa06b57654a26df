"""Review aid for corpus/utterances: which utterances read as another argument (leave-one-out).

    .venv/bin/python tools/utterance_check.py [--topic TOPIC] [--all]

Embeds every utterance and not-a-claim exemplar with the bundled model, then, for each utterance,
finds the argument whose other utterances it is nearest (mean of the best two cosines) with the
utterance itself left out. Prints per-argument leave-one-out accuracy and every utterance that lands on
another argument (with --topic, only that topic's), so a reviewer can make siblings distinctive.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.corpus import load_corpus  # noqa: E402
from bot.match.embed import load_embedder  # noqa: E402
from bot.settings import Settings  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topic")
    ap.add_argument("--all", action="store_true", help="list every confused utterance, not only the topic's")
    args = ap.parse_args()
    settings = Settings()
    corpus = load_corpus(Path(settings.corpus_dir))
    embedder = load_embedder(settings)
    if embedder is None:
        return 1
    arguments = list(corpus.argmap)
    texts, owners = [], []
    for pos, arg in enumerate(arguments):
        for text in corpus.chat.utterances.get(arg.id, ()):
            texts.append(text)
            owners.append(pos)
    owners_a = np.array(owners)
    vectors = embedder.encode(texts)
    negatives = embedder.encode(list(corpus.chat.not_claims)) if corpus.chat.not_claims else None
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1.0)
    per_arg = np.full((len(texts), len(arguments)), -1.0)
    for pos in range(len(arguments)):
        block = np.sort(sims[:, owners_a == pos], axis=1)[:, ::-1]
        per_arg[:, pos] = block[:, :2].mean(axis=1) if block.shape[1] > 1 else block[:, 0]
    guess = per_arg.argmax(axis=1)
    right = defaultdict(list)
    for i, pos in enumerate(owners):
        right[pos].append(guess[i] == pos)
    total = float(np.mean(guess == owners_a))
    print(f"leave-one-out: {total:.3f} of {len(texts)} utterances land on their own argument")
    for pos, arg in enumerate(arguments):
        if args.topic and arg.topic != args.topic:
            continue
        print(f"  {np.mean(right[pos]):.2f}  {arg.id} ({len(right[pos])})")
    print("confused:")
    for i, pos in enumerate(owners):
        arg = arguments[pos]
        if guess[i] != pos and (args.all or not args.topic or arg.topic == args.topic):
            near_neg = float((vectors[i] @ negatives.T).max()) if negatives is not None else 0.0
            print(f"  [{arg.id} -> {arguments[guess[i]].id}] {texts[i][:140]}"
                  + ("  (nearer not-a-claim chat)" if near_neg > per_arg[i].max() else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
