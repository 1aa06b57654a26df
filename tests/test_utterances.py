"""Chat-register data: utterances per argument and not-a-claim exemplars are validated by `corpus check`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.argmap.utterances import MIN_UTTERANCES
from bot.corpus import check_corpus


def test_every_argument_has_its_utterances_and_none_is_shared(corpus):
    chat = corpus.chat
    assert set(chat.utterances) == {a.id for a in corpus.argmap}
    assert all(len(items) >= MIN_UTTERANCES for items in chat.utterances.values())
    seen = [t.casefold() for items in chat.utterances.values() for t in items] + [t.casefold() for t in chat.not_claims]
    assert len(seen) == len(set(seen))
    assert len(chat.not_claims) >= 150


def _problems(corpus_dir: Path) -> list[str]:
    _, errors = check_corpus(corpus_dir)
    return [str(e) for e in errors]


def test_unknown_id_wrong_topic_and_duplicates_name_file_and_line(corpus_copy: Path):
    path = corpus_copy / "utterances" / "misuse.yaml"
    first = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith("- "))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("  misuse-no-such-argument:\n    - \"a point nobody mapped\"\n")
        fh.write("  definition-osi-licences:\n    - \"the osi list is what counts, full stop\"\n")
        fh.write("  misuse-compute-checks-bad-actors:\n  " + first + "\n")
    problems = _problems(corpus_copy)
    assert any("misuse.yaml:" in p and "misuse-no-such-argument" in p and "not an argument id" in p for p in problems)
    assert any("misuse.yaml:" in p and "topic 'definition'" in p for p in problems)
    assert any("misuse.yaml:" in p and "given twice" in p for p in problems)


def test_a_misspelt_key_and_too_few_utterances_are_errors(corpus_copy: Path):
    path = corpus_copy / "utterances" / "adoption.yaml"
    path.write_text("utterance:\n  adoption-poll-favors-open: [\"most people want open models\"]\n", encoding="utf-8")
    problems = _problems(corpus_copy)
    assert any("adoption.yaml:1" in p and "utterance" in p for p in problems)
    assert any("adoption-poll-favors-open" in p and f"at least {MIN_UTTERANCES}" in p for p in problems)


def test_tagged_sides_are_read_and_vote_for_their_side(corpus, matcher):
    chat, args = corpus.chat, corpus.argmap.arguments
    mixed = [a.id for a in corpus.argmap if a.stance == "mixed"]
    assert mixed and all(t in chat.sides for arg_id in mixed for t in chat.utterances[arg_id])
    assert set(chat.sides.values()) == {"open", "closed", "neutral"}
    sem = matcher.semantic
    for text, stance, owner in zip((t for a in matcher.index.arguments for t in chat.utterances.get(a.id, ())),
                                   sem.stances, sem.owners):
        side = chat.sides.get(text, args[matcher.index.arguments[owner].id].stance)
        assert stance == {"open": 1.0, "closed": -1.0}.get(side, 0.0), text
    # an utterance tagged with a side is its own nearest neighbour, so the vote leans its way
    for want in ("open", "closed"):
        tagged = [t for t, side in chat.sides.items() if side == want][:5]
        votes = sem.figures(sem.encode(tagged)).side
        assert all(v > 0 if want == "open" else v < 0 for v in votes), (want, tagged, votes)


def _tagged_line(corpus_dir: Path, topic: str, under: str = "") -> tuple[Path, list[str], int]:
    """The first side-tagged utterance of the topic's file (of argument `under`, when given)."""
    path = corpus_dir / "utterances" / f"{topic}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{under}:") if under else 0
    return path, lines, next(i for i, line in enumerate(lines) if i > start and line.strip().startswith("- {text:"))


def test_a_bad_side_a_misspelt_tag_and_an_untagged_mixed_utterance_are_errors(corpus_copy: Path):
    faults = {"definition": lambda line: re.sub(r"side: \w+", "side: sideways", line),
              "why-open": lambda line: line.replace("side:", "sid:"),
              "security": lambda line: re.sub(r"\{text: (.*), side: \w+\}$", r"\1", line)}
    where = {}
    mixed = {"security": "security-safety-is-the-crux"}  # untagged, only a mixed argument's utterance is at fault
    for topic, fault in faults.items():
        path, lines, i = _tagged_line(corpus_copy, topic, mixed.get(topic, ""))
        lines[i] = fault(lines[i])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        where[topic] = f"{topic}.yaml:{i + 1}"
    problems = _problems(corpus_copy)
    assert any(where["definition"] in p and "must be one of" in p for p in problems), problems
    assert any(where["why-open"] in p and "sid" in p for p in problems), problems
    assert any(where["security"] in p and "needs a side" in p for p in problems), problems


def test_a_moderators_argument_does_not_sway_the_side_vote(corpus, matcher):
    """A workspace's own argument votes in no workspace: the side of a message stays the map's reading."""
    from bot.argmap.types import Argument
    from bot.match.semantic import SemanticIndex

    text = "open source AI will be safer because anyone can inspect it"
    base = matcher.semantic.figures(matcher.semantic.encode([text])).side[0]
    planted = [Argument(f"ws-{i}", text + "!" * i, "closed", "misuse", origin="moderator", workspace_id="W1")
               for i in range(12)]
    index = SemanticIndex(matcher.semantic.embedder, None)
    index.build([*matcher.index.arguments, *planted], corpus.chat)
    assert index.figures(index.encode([text])).side[0] == pytest.approx(base)
    assert base > 0
