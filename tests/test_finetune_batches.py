"""The fine-tuning script's classes and batches (no torch needed for these): sides split off, counters drawn in."""
from __future__ import annotations

import importlib.util
import random
from collections import Counter

from bot.settings import REPO_ROOT


def _tool():
    spec = importlib.util.spec_from_file_location("finetune_minilm", REPO_ROOT / "tools" / "finetune_minilm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_split_sides_moves_only_other_side_utterances_and_keeps_every_text():
    tool = _tool()
    whole, _, stances, _ = tool.load_classes()
    split, topics, _, _ = tool.load_classes(split_sides=True)
    assert Counter(t for ts in whole.values() for t in ts) == Counter(t for ts in split.values() for t in ts)
    extra = [c for c in split if "@" in c]
    assert extra, "the corpus has utterances tagged with another side than their argument"
    for label in extra:
        arg_id, side = label.split("@")
        assert side != stances[arg_id]
        assert topics[label] == topics[arg_id]
        assert set(split[label]) <= set(whole[arg_id])


def test_counters_join_the_batch_of_the_argument_they_answer():
    tool = _tool()
    texts, topics, _, arguments = tool.load_classes(split_sides=True)
    counters = tool.counter_classes(texts, arguments)
    by_id = {a["id"]: a for a in arguments}
    some = next(c for c in counters if "@" in c and counters[c])
    assert all(tool.argument_of(k) in by_id[tool.argument_of(some)]["counters"] for k in counters[some])

    owner_of = {t: c for c, ts in texts.items() for t in ts}

    def first_meets_its_counters(with_counters: bool) -> list[bool]:
        """Per batch: are all the counters of the batch's first class in it too?"""
        met = []
        for batch, labels in tool.batches(texts, topics, 24, 3, random.Random(5), counters if with_counters else None):
            present = {owner_of[t] for t in batch}
            first = owner_of[batch[labels.index(0)]]
            met.append(all(k in present for k in counters.get(first, [])))
        return met

    assert all(first_meets_its_counters(True))
    assert not all(first_meets_its_counters(False))


def test_labelled_messages_join_their_first_arguments_class_or_the_not_a_claim_class(tmp_path):
    tool = _tool()
    texts, _, _, _ = tool.load_classes()
    arg_id = next(c for c in texts if c != tool.NONE_CLASS)
    other = next(c for c in texts if c not in (tool.NONE_CLASS, arg_id))
    before = {c: len(ts) for c, ts in texts.items()}
    lines = ['{"text": "zuck  gives it away\\nto kill the moat", "expect": ["x"], "args": ["%s", "%s"]}' % (arg_id, other),
             '{"text": "anyone got llama running on a pi?", "expect": [], "args": []}',
             '{"text": "an argument the map lost", "expect": ["x"], "args": ["no-such-argument"]}', ""]
    path = tmp_path / "tune.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    tool.add_messages(texts, [path], copies=2)
    assert texts[arg_id][before[arg_id]:] == ["zuck gives it away to kill the moat"] * 2
    assert texts[tool.NONE_CLASS][before[tool.NONE_CLASS]:] == ["anyone got llama running on a pi?"] * 2
    assert {c: len(ts) for c, ts in texts.items() if c not in (arg_id, tool.NONE_CLASS)} == \
        {c: n for c, n in before.items() if c not in (arg_id, tool.NONE_CLASS)}
