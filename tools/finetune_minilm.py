"""Fine-tune all-MiniLM-L6-v2 on the map's chat utterances, one class per argument, before the int8 export.

Why: the stock model places a message by its topic words, so sibling arguments of one topic, and the two
sides of one point, sit close together. A supervised contrastive pass over the utterances (each argument's
claim and chat examples a class, the not-a-claim exemplars one more class, batches drawn topic by topic so
that the nearest wrong answers are in every batch) pulls each argument's ways of saying it together and
pushes its neighbours apart. Torch runs only here (the export venv of tools/export_minilm.py):

    HF_HUB_OFFLINE=1 /tmp/exportvenv/bin/python tools/finetune_minilm.py --out /tmp/minilm-counterpoint
    HF_HUB_OFFLINE=1 /tmp/exportvenv/bin/python tools/export_minilm.py --finetuned /tmp/minilm-counterpoint

It reads a corpus folder (corpus/, or --corpus DIR: arguments.yaml, utterances/, not_claims.yaml), and with
--messages SET a real-talk TUNING half whose messages join their arguments' classes. --split-sides,
--with-counters (counter-pair variants) and --messages (judged two-fold on the tuning half) were tried and
dropped (README). With --check SET it prints the nearest-utterance hit@1 / hit@3 there before and after.
Deterministic for a given corpus, seed and torch build.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import json  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "corpus"
NONE_CLASS = "(not a claim)"


def argument_of(label: str) -> str:
    """The argument a class belongs to: "<id>" or, split off by --split-sides, "<id>@<side>"."""
    return label.split("@")[0]


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="folder for the fine-tuned sentence-transformers model")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--lr", type=float, default=3e-5)
    p.add_argument("--temperature", type=float, default=0.05)
    p.add_argument("--classes", type=int, default=24, help="classes per batch")
    p.add_argument("--per-class", type=int, default=3, help="examples of each class per batch")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder to train on (default: corpus/)")
    p.add_argument("--split-sides", action="store_true",
                   help="an utterance arguing another side than its argument's stance is a class of its own")
    p.add_argument("--with-counters", action="store_true",
                   help="every class drawn into a batch brings the arguments that counter it")
    p.add_argument("--check", type=Path, nargs="*", default=[], help="labelled sets to report before and after")
    p.add_argument("--messages", type=Path, nargs="*", default=[],
                   help="labelled real-talk sets (TUNING half only) whose messages join the classes: an on-topic "
                        "message its first argument's, an off-topic one the not-a-claim class")
    p.add_argument("--message-copies", type=int, default=1, help="times each --messages message joins its class")
    return p.parse_args()


def load_classes(split_sides: bool = False, corpus: Path = CORPUS
                 ) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str], list[dict]]:
    """Texts per class, topic and stance per argument, and the argument entries (for --check). With
    `split_sides`, an argument's utterances that argue another side than its stance form the class
    "<id>@<side>" (same topic), so a point and its rebuttal forms are pushed apart."""
    arguments = yaml.safe_load((corpus / "arguments.yaml").read_text(encoding="utf-8"))["arguments"]
    texts: dict[str, list[str]] = {a["id"]: [a["claim"]] for a in arguments}
    topics = {a["id"]: a["topic"] for a in arguments}
    stances = {a["id"]: a["stance"] for a in arguments}
    for path in sorted((corpus / "utterances").glob("*.yaml")):
        for arg_id, lines in yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"].items():
            for line in lines:
                text = " ".join((line if isinstance(line, str) else line["text"]).split())
                side = stances[arg_id] if isinstance(line, str) else line.get("side", stances[arg_id])
                label = f"{arg_id}@{side}" if split_sides and side != stances[arg_id] else arg_id
                texts.setdefault(label, []).append(text)
                topics.setdefault(label, topics[arg_id])
    not_claims = yaml.safe_load((corpus / "not_claims.yaml").read_text(encoding="utf-8"))["not_claims"]
    texts[NONE_CLASS] = [" ".join(s.split()) for kind in not_claims.values() for s in kind]
    topics[NONE_CLASS] = NONE_CLASS
    return texts, topics, stances, arguments


def read_cases(path: Path) -> list[dict]:
    """The labelled messages of a JSON-lines set (as dev.jsonl)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def add_messages(texts: dict[str, list[str]], sets: list[Path], copies: int = 1) -> None:
    """Labelled messages as members of the classes (their first argument's; none: the not-a-claim class)."""
    for case in (case for path in sets for case in read_cases(path)):
        label = case["args"][0] if case.get("args") else NONE_CLASS
        if label in texts:
            texts[label].extend([" ".join(case["text"].split())] * copies)


def batches(texts: dict[str, list[str]], topics: dict[str, str], n_classes: int, per_class: int,
            rng: random.Random, counters: dict[str, list[str]] | None = None):
    """One epoch of (texts, labels): classes drawn a topic at a time, so siblings meet in a batch (with
    `counters`, each class followed by the classes that counter it, wherever their topic)."""
    pools = {c: rng.sample(t, len(t)) for c, t in texts.items()}
    cursor = dict.fromkeys(texts, 0)
    steps = sum(len(t) for t in texts.values()) // (n_classes * per_class)
    by_topic: dict[str, list[str]] = {}
    for c in texts:
        by_topic.setdefault(topics[c], []).append(c)
    for _ in range(steps):
        chosen: list[str] = []
        for topic in rng.sample(list(by_topic), len(by_topic)):
            for c in rng.sample(by_topic[topic], len(by_topic[topic])):
                chosen.extend(x for x in [c, *(counters or {}).get(c, [])] if x not in chosen)
            if len(chosen) >= n_classes:
                break
        chosen = chosen[:n_classes]
        if NONE_CLASS not in chosen:
            chosen[-1] = NONE_CLASS
        batch, labels = [], []
        for label, c in enumerate(chosen):
            pool = pools[c]
            for _ in range(min(per_class, len(pool))):
                batch.append(pool[cursor[c] % len(pool)])
                cursor[c] += 1
                labels.append(label)
        yield batch, labels


def counter_classes(texts: dict[str, list[str]], arguments: list[dict]) -> dict[str, list[str]]:
    """Per class, the classes of the arguments that counter its argument (a split class counts as its argument)."""
    answers = {a["id"]: set(a.get("counters") or []) for a in arguments}
    return {c: [k for k in texts if argument_of(k) in answers[argument_of(c)]] for c in texts if c != NONE_CLASS}


def supcon(emb, labels, temperature: float):
    """Supervised contrastive loss over L2-normalised embeddings."""
    import torch

    sims = emb @ emb.T / temperature
    n = emb.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    sims = sims.masked_fill(eye, -1e9)
    log_prob = sims - torch.logsumexp(sims, dim=1, keepdim=True)
    same = (labels[:, None] == labels[None, :]) & ~eye
    count = same.sum(1).clamp(min=1)
    return -(log_prob.masked_fill(~same, 0).sum(1) / count).mean()


def check(model, sets: list[Path], texts: dict[str, list[str]], arguments: list[dict]) -> None:
    """Nearest-utterance (mean of the best 3) hit@1 / hit@3 on labelled sets, argument quotes as the key."""
    sys.path.insert(0, str(REPO_ROOT.parent / "shared" / "eval"))
    from textnorm import snippet_hit

    ids = [a["id"] for a in arguments]
    owners, utter = [], []
    for pos, arg_id in enumerate(ids):
        for t in (t for c, ts in texts.items() if argument_of(c) == arg_id for t in ts):
            owners.append(pos)
            utter.append(t)
    u = model.encode(utter, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    owners_a = np.array(owners)
    for path in sets:
        cases = [c for c in read_cases(path) if c["expect"]]
        m = model.encode([c["text"] for c in cases], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        sims = m @ u.T
        score = np.full((len(cases), len(ids)), -1.0)
        for pos in range(len(ids)):
            block = np.sort(sims[:, owners_a == pos], axis=1)[:, -3:]
            score[:, pos] = block.mean(axis=1)
        h1 = h3 = 0
        for i, case in enumerate(cases):
            top = np.argsort(-score[i])[:3]
            right = [any(snippet_hit(s, q["text"]) for s in case["expect"] for q in arguments[p]["quotes"]) for p in top]
            h1 += right[0]
            h3 += any(right)
        print(f"  {path.name}: nearest-utterance hit@1 {h1 / len(cases):.3f} hit@3 {h3 / len(cases):.3f}")


def main() -> int:
    args = _args()
    import torch
    from sentence_transformers import SentenceTransformer

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from export_minilm import _model_dir

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    texts, topics, _, arguments = load_classes(args.split_sides, args.corpus)
    add_messages(texts, args.messages, args.message_copies)
    counters = counter_classes(texts, arguments) if args.with_counters else None
    model = SentenceTransformer(str(_model_dir()), device="cpu")
    if args.check:
        print("before:")
        check(model, args.check, texts, arguments)
    steps = args.epochs * (sum(len(t) for t in texts.values()) // (args.classes * args.per_class))
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, (steps - s) / steps))
    rng = random.Random(args.seed)
    model.train()
    step = 0
    for epoch in range(args.epochs):
        total = 0.0
        n = 0
        for batch, labels in batches(texts, topics, args.classes, args.per_class, rng, counters):
            features = (model.preprocess if hasattr(model, "preprocess") else model.tokenize)(batch)
            emb = model(features)["sentence_embedding"]
            emb = torch.nn.functional.normalize(emb, dim=1)
            loss = supcon(emb, torch.tensor(labels), args.temperature)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
            n += 1
            step += 1
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / max(n, 1):.3f} ({step}/{steps} steps)", flush=True)
    model.eval()
    if args.check:
        print("after:")
        check(model, args.check, texts, arguments)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(str(args.out))
    (args.out / "finetune.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}, indent=1))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
