"""Chat-register data: utterances per argument and not-a-claim exemplars are validated by `corpus check`."""
from __future__ import annotations

from pathlib import Path

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
