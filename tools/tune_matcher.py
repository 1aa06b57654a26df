"""Calibrate the blend and the auto-reply gate on labelled message sets (the real-talk TUNING half only).

    .venv/bin/python tools/tune_matcher.py [--sets benchmarks/eval/realtalk_tune.jsonl ...] [--grid | --refit]

Scores every message once (word scores and embedding figures), then evaluates blends and gate thresholds
in memory: hit@1, hit@3, side accuracy, trigger recall, false triggers and post-precision, with an
argument counted right when one of its quotes covers an expected snippet (as ../shared/eval/score.py
does). Prints the figures of the current defaults and, with --grid, the best settings found (--refit: the
side picker and gate refitted for the current blend, after a change to the corpus or the model).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO.parent / "shared" / "eval"))

from textnorm import snippet_hit  # noqa: E402  (the shared scorer's own rule)

from bot.match.cache import load_matcher  # noqa: E402
from bot.match.chatwords import WordReading, fits  # noqa: E402
from bot.match.fusion import Blend, fuse, side_first  # noqa: E402
from bot.match.questions import asking  # noqa: E402
from bot.match.claimgate import FEATURES as FEATURE_NAMES, ClaimGate, features  # noqa: E402
from bot.match.gate import should_trigger  # noqa: E402
from bot.match.matcher import MIN_MATCH_SCORE, MIN_WORDLESS_SCORE, SIDE_CANDIDATES, Matcher  # noqa: E402
from bot.match.sidepick import SidePicker, pick_side, side_features  # noqa: E402
from bot.match.types import SIDES  # noqa: E402
from bot.settings import Settings  # noqa: E402


@dataclass
class Parts:
    name: str
    lexical: np.ndarray
    figures: object
    topics: np.ndarray
    right: np.ndarray  # messages x arguments: would this argument's quotes score a hit
    on: np.ndarray
    sides: list[str]
    cues: np.ndarray  # stance-cue lean per message
    texts: list[str]
    words: list[WordReading]  # per message: its words read against the chat utterances (ChatWords.read)
    utter_words: np.ndarray  # messages x arguments: ... their best fit with one of the argument's utterances


def load_parts(matcher: Matcher, path: Path) -> Parts:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return parts_of(matcher, path.stem, cases)


def not_claim_parts(matcher: Matcher) -> Parts:
    """The corpus's not-a-claim exemplars as off-topic messages, each one's nearest not-a-claim taken among
    the others (read against itself, every exemplar would look as far from a claim as chat can be)."""
    texts = list(matcher.corpus.chat.not_claims)
    parts = parts_of(matcher, "not_claims", [{"text": t, "expect": []} for t in texts])
    sims = matcher.semantic.encode([matcher._plain(t) for t in texts]) @ matcher.semantic.not_claims.T
    np.fill_diagonal(sims, -1.0)
    parts.figures = replace(parts.figures, not_claim=sims.max(axis=1))
    return parts


def parts_of(matcher: Matcher, name: str, cases: list[dict]) -> Parts:
    lexical, figures, queries, words = matcher.score_parts([c["text"] for c in cases])
    args = matcher.index.arguments
    right = np.zeros((len(cases), len(args)), dtype=bool)
    for i, case in enumerate(cases):
        for pos, arg in enumerate(args):
            texts = [q.text for q in arg.quotes] + [q.original_text for q in arg.quotes if q.original_text]
            right[i, pos] = any(snippet_hit(s, t) for s in case["expect"] for t in texts)
    cues = np.array([matcher.cues.lean(q.words, c["text"]) for q, c in zip(queries, cases)])
    return Parts(name, lexical, figures, np.array([q.topic for q in queries]), right,
                 np.array([bool(c["expect"]) for c in cases]), [c.get("side", "") for c in cases], cues,
                 [c["text"] for c in cases], words, fits(words))


_UNSET = object()
NOT_CLAIM_WEIGHT = 0.25  # all 300 exemplars weigh about half the tuning half's off-topic messages
PRECISION_TARGET = 0.90  # the bar for automatic replies: nine in ten right, or stay silent


def decisions(matcher: Matcher, parts: Parts, blend: Blend, picker: object = _UNSET
              ) -> tuple[list[list[int]], list[str], np.ndarray, np.ndarray]:
    """Per message, as the matcher decides: the order (side first), the side, the gate's features and the
    side picker's features. `picker`: a SidePicker, None for the hand blend, unset for the matcher's own."""
    picker = matcher.sides if picker is _UNSET else picker
    fig = parts.figures
    score = fuse(parts.lexical, fig, blend, parts.utter_words)
    signs, visible = matcher._signs, matcher._curated
    orders, sides, feats, side_x = [], [], [], []
    for i in range(len(score)):
        row = np.where(visible, score[i], -1.0)
        order = [p for p in np.argsort(-row, kind="stable")[:3 + SIDE_CANDIDATES].tolist()
                 if row[p] >= MIN_MATCH_SCORE and (parts.lexical[i, p] > 0 or row[p] >= MIN_WORDLESS_SCORE)]
        cue = float(parts.cues[i])
        shown = np.where(visible, score[i], 0.0)
        asks = asking(parts.texts[i])
        first = order[0] if order else None
        words = matcher.chat_words.side_words(parts.words[i], score[i], visible, blend.utter_words)
        side_x.append(side_features(shown, signs, float(fig.side[i]), asks, first, blend.spread, words))
        side, lean = pick_side(picker, shown, float(fig.side[i]), signs, blend, cue, asks, first,  # type: ignore[arg-type]
                               words)
        order = side_first(order, score[i], signs, side, blend.cue_slack if cue else blend.side_slack)
        orders.append(order)
        sides.append(side)
        feats.append(features(parts.texts[i], asks.question, score[i], order, parts.lexical[i], visible, float(fig.utter[i].max()),
                              float(fig.not_claim[i]), float(parts.topics[i]), lean, matcher._topics)
                     if order else None)
    x = np.array([f if f is not None else np.zeros(len(FEATURE_NAMES)) for f in feats])
    return orders, sides, x, np.array(side_x)


def fit_sides(matcher: Matcher, parts: Parts, blend: Blend) -> SidePicker:
    """The side picker fitted on the labelled on-topic messages without stance cues (cues decide the rest)."""
    _, _, _, side_x = decisions(matcher, parts, blend, None)
    keep = [i for i, s in enumerate(parts.sides) if parts.on[i] and s in SIDES and not parts.cues[i]]
    return SidePicker.fit(side_x[keep], np.array([SIDES.index(parts.sides[i]) for i in keep]))


def fit_gate(matcher: Matcher, parts: Parts, blend: Blend, picker: object = _UNSET) -> ClaimGate:
    """The gate fitted to say whether the first argument (as decided) is a right one: on the tuning half, and
    on the not-a-claim exemplars as silent examples at NOT_CLAIM_WEIGHT each (the tuning half alone let
    fresh help questions and other senses of the words through)."""
    xs, ys, ws = [], [], []
    for some, weight in ((parts, 1.0), (not_claim_parts(matcher), NOT_CLAIM_WEIGHT)):
        orders, _, x, _ = decisions(matcher, some, blend, picker)
        keep = [i for i, o in enumerate(orders) if o or some is parts]
        xs.append(x[keep])
        ys += [float(bool(orders[i]) and some.on[i] and some.right[i, orders[i][0]]) for i in keep]
        ws += [weight] * len(keep)
    return ClaimGate.fit(np.vstack(xs), np.array(ys), weights=np.array(ws))


def evaluate(matcher: Matcher, parts: Parts, blend: Blend, settings: Settings,
             gate: ClaimGate | None = None, picker: object = _UNSET) -> dict[str, float]:
    gate = gate or matcher.gate
    orders, sides, x, _ = decisions(matcher, parts, blend, picker)
    h1 = h3 = trig_on = right_posts = false = side_ok = side_n = 0
    for i, order in enumerate(orders):
        side = sides[i]
        if not order:
            trig = False
        elif gate is not None:
            trig = gate.posts(x[i], settings.trigger_min_probability)
        else:
            trig = should_trigger(float(parts.topics[i]), float(x[i][0]), 3, settings)
        top = order[:3]
        if parts.on[i]:
            hit1 = bool(top) and parts.right[i, top[0]]
            h1 += hit1
            h3 += bool(top) and parts.right[i, top].any()
            trig_on += trig
            right_posts += trig and hit1
            if parts.sides[i]:
                side_n += 1
                side_ok += side == parts.sides[i]
        else:
            false += trig
    n_on, n_off = int(parts.on.sum()), int((~parts.on).sum())
    return {"hit1": h1 / max(n_on, 1), "hit3": h3 / max(n_on, 1), "recall": trig_on / max(n_on, 1),
            "false": false / max(n_off, 1), "precision": right_posts / max(trig_on, 1),
            "side": side_ok / max(side_n, 1) if side_n else float("nan"), "n_on": n_on, "n_off": n_off}


def show(name: str, m: dict[str, float]) -> None:
    print(f"  {name:24} hit@1 {m['hit1']:.3f} hit@3 {m['hit3']:.3f} side {m['side']:.3f} "
          f"recall {m['recall']:.3f} false {m['false']:.3f} precision {m['precision']:.3f} "
          f"({m['n_on']} on, {m['n_off']} off)")


def grid(matcher: Matcher, tune: Parts, guards: list[Parts], settings: Settings
         ) -> tuple[Blend, ClaimGate, float, SidePicker]:
    """Blend weights for ranking (hit@1 + hit@3 on the tuning half, guards kept at hit@3 >= 0.95), then the
    hand side parameters (used when no picker is fitted), then the side picker, then the gate fitted on the
    tuning half and its threshold (see `refit`)."""
    best, best_key = matcher.blend, -1.0
    for lex, utt, claim in itertools.product([0.2, 0.3, 0.4, 0.5], [0.4, 0.5, 0.6, 0.7, 0.8], [0.0, 0.1, 0.2]):
        blend = replace(best, lexical=lex, utter=utt, claim=claim)
        m = evaluate(matcher, tune, blend, settings, picker=None)
        guard = min((evaluate(matcher, g, blend, settings, picker=None)["hit3"] for g in guards), default=1.0)
        key = m["hit1"] + m["hit3"] + (0 if guard >= 0.95 else -1)
        if key > best_key:
            best, best_key = blend, key
    print("blend:", best)
    side_best, side_key = best, -1.0
    for model, side_min, slack, question in itertools.product([0.3, 0.5, 0.7], [0.05, 0.1, 0.2, 0.3], [0.0, 0.04, 0.08],
                                                              [0.2, 0.35, 0.5, 0.7]):
        blend = replace(best, side_model=model, side_min=side_min, side_slack=slack, question_min=question)
        m = evaluate(matcher, tune, blend, settings, picker=None)
        key = m["side"] + m["hit1"]
        if key > side_key:
            side_best, side_key = blend, key
    best = side_best
    print("side:", best)
    return (best, *refit(matcher, tune, best, settings, guards))


def refit(matcher: Matcher, tune: Parts, best: Blend, settings: Settings, guards: Sequence[Parts] = ()
          ) -> tuple[ClaimGate, float, SidePicker]:
    """The side picker, then the gate and its threshold, fitted for this blend on the tuning half: the most
    recall at post-precision >= PRECISION_TARGET, false triggers <= 1.5% and none in any guard set (the tuning
    half's off-topic messages stayed silent at every threshold from 0.56 up, so they alone did not bound it)."""
    picker = fit_sides(matcher, tune, best)
    gate = fit_gate(matcher, tune, best, picker)
    threshold, recall = 0.9, -1.0
    for t in np.linspace(0.9, 0.3, 61):
        at = settings.model_copy(update={"trigger_min_probability": float(t)})
        m = evaluate(matcher, tune, best, at, gate, picker)
        if m["precision"] >= PRECISION_TARGET and m["false"] <= 0.015 and m["recall"] > recall \
                and not any(evaluate(matcher, g, best, at, gate, picker)["false"] for g in guards):
            threshold, recall = round(float(t), 2), m["recall"]
    print("gate threshold:", threshold, "weights:", dict(zip(FEATURE_NAMES, np.round(gate.weights, 2))))
    return gate, threshold, picker


def vars_of(blend: Blend) -> dict[str, float]:
    return {name: getattr(blend, name) for name in blend.__dataclass_fields__}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="*", type=Path, default=[REPO / "benchmarks/eval/realtalk_tune.jsonl"])
    ap.add_argument("--guards", nargs="*", type=Path,
                    default=[REPO.parent / "shared/eval/dev.jsonl",
                             *(REPO / f"benchmarks/eval/paraphrase_{x}.jsonl" for x in "abc"),
                             REPO / "benchmarks/eval/fresh_check.jsonl"])
    ap.add_argument("--grid", action="store_true", help="search the blend and side weights, then refit")
    ap.add_argument("--refit", action="store_true", help="keep the blend; refit the side picker, gate and threshold")
    ap.add_argument("--write", action="store_true", help="with --grid or --refit: save the fitted gate and side "
                                                        "picker to bot/match/")
    args = ap.parse_args()
    settings = Settings()
    matcher = load_matcher(settings)
    if matcher.semantic is None:
        print("the embedding model did not load; nothing to tune")
        return 1
    sets = [load_parts(matcher, p) for p in args.sets]
    guards = [load_parts(matcher, p) for p in args.guards]
    print("defaults:")
    for parts in sets + guards:
        show(parts.name, evaluate(matcher, parts, matcher.blend, settings))
    if args.grid or args.refit:
        if args.grid:
            blend, gate, threshold, picker = grid(matcher, sets[0], guards, settings)
        else:
            blend = matcher.blend
            gate, threshold, picker = refit(matcher, sets[0], blend, settings, guards)
        chosen = settings.model_copy(update={"trigger_min_probability": threshold})
        print("with the best found:")
        for parts in sets + guards:
            show(parts.name, evaluate(matcher, parts, blend, chosen, gate, picker))
        if args.write:
            fitted_on = str(args.sets[0].resolve().relative_to(REPO))
            gate.save(fitted_on=fitted_on, silent_examples=f"corpus/not_claims.yaml at weight {NOT_CLAIM_WEIGHT}",
                      threshold=threshold, blend=vars_of(blend))
            picker.save(fitted_on=fitted_on)
            print("wrote bot/match/claimgate.json (with its threshold) and sidepick.json; set the blend "
                  "defaults to match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
