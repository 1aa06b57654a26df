"""Stance: the side a message argues, from stance cues and the semantic layer; counters from the other side."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from bot.match.chatwords import fits
from bot.match.fusion import fuse
from bot.match.polarity import StanceCues
from bot.match.sidepick import FEATURES, FIGURES, Logistic, SidePicker
from bot.match.sidewords import WordSides
from bot.match.types import SIDES
from bot.settings import REPO_ROOT

CUES = [
    ("open source AI is dangerous", -1),
    ("open source AI is safer", 1),
    ("closed models aren't any safer than open ones", 1),
    ("OSS llms are a terrible idea", -1),
    ("proprietary AI is a threat to democracy", 1),
    ("open sourcing llama was a mistake", -1),
    ("open source is not a threat", 1),
    ("oh sure, open weights are sooo dangerous", 1),  # sarcasm flips the literal reading
    ("OpenAI is dangerous", 0),  # a company, not the open side
    ("closed source labs shouldn't get to decide what's safe for everyone", 0),  # "safe" is not said of them
]


@pytest.mark.parametrize("text, lean", CUES)
def test_stance_cues_read_praise_blame_negation_and_sarcasm(matcher, text, lean):
    got = matcher.cues.lean(matcher.norm.words(text, spell=True), text)
    assert (got > 0) - (got < 0) == lean


def test_counter_command_answers_the_other_side_always(matcher):
    for text, side in (("open source AI is dangerous", "closed"), ("open source AI is safer", "open")):
        counters = matcher.counters_for(text)
        assert counters and all(c.argument.stance != side for c in counters)


def test_a_debate_question_argues_no_side(matcher):
    result = matcher.match("is llama really open source?")
    assert result.side == "neutral"
    assert result.matches[0].argument.id.startswith("definition-")


def test_wordless_input_has_no_side(matcher):
    assert matcher.match("xxxxxxxx " * 20).side == "neutral"


def test_cues_file_with_a_misspelt_key_names_file_and_line(tmp_path):
    from bot.errors import CorpusError

    (tmp_path / "stance.yaml").write_text("targets: {open: [open source]}\npraise: [good]\nblame: [bad]\n"
                                          "negatorz: [not]\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        StanceCues.load(tmp_path, str.split)
    assert "stance.yaml:4" in str(info.value) and "negatorz" in str(info.value)


def _env(data_dir) -> dict[str, str]:
    """The test session's environment (its shared embedding cache) with a data folder of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CORPUS_DIR"))}
    return {**env, "DATA_DIR": str(data_dir)}


@pytest.mark.parametrize("text, stance", [("open source AI is dangerous", "closed"), ("open source AI is safer", "open")])
def test_ask_shows_the_users_side_first_and_the_other_side_as_counter(tmp_path, text, stance):
    other = {"open": "CLOSED", "closed": "OPEN"}[stance]
    out = subprocess.run([sys.executable, "-m", "adapters.cli", "ask", text], cwd=REPO_ROOT, capture_output=True,
                         text=True, timeout=300, env=_env(tmp_path))
    assert out.returncode == 0, out.stderr[-500:]
    lines = [line for line in out.stdout.splitlines() if line.startswith(("▶", "↳"))]
    assert lines[0].startswith(f"▶ {stance.upper()}:")
    assert lines[1].startswith(f"↳ Counterpoint {other}:")


def test_match_json_reports_the_side(tmp_path):
    lines = "\n".join(json.dumps({"text": t}) for t in ("open source AI is dangerous", "see you all tomorrow"))
    out = subprocess.run([sys.executable, "-m", "adapters.cli", "match", "--json"], cwd=REPO_ROOT, input=lines,
                         capture_output=True, text=True, timeout=300, env=_env(tmp_path))
    assert out.returncode == 0, out.stderr[-500:]
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert first["side"] == "closed" and first["matches"][0]["stance"] == "closed"
    assert second["side"] == "neutral" and second["trigger"] is False


def test_words_only_fallback_still_answers_with_a_side(lexical_matcher):
    assert lexical_matcher.semantic is None
    result = lexical_matcher.match("open source AI is dangerous")
    assert result.side == "closed" and result.matches
    assert all(c.argument.stance != "closed" for c in lexical_matcher.counters_for("open source AI is dangerous"))
    assert lexical_matcher.match("the store is closed").trigger is False


def test_side_picker_learns_three_sides_and_refuses_a_stale_file(tmp_path):
    rng = np.random.default_rng(3)
    centres = np.eye(3, len(FEATURES)) * 4.0  # one direction per side
    y = np.repeat(np.arange(3), 40)
    x = centres[y] + rng.normal(0, 0.5, (len(y), len(FEATURES)))
    picker = SidePicker.fit(x, y)
    picked = [picker.pick(row)[0] for row in centres]
    assert picked == list(SIDES)
    _, lean = picker.pick(centres[0])
    assert lean > 0.5  # open leans positive
    path = tmp_path / "sidepick.json"
    picker.save(path)
    assert SidePicker.load(path).pick(centres[1])[0] == "closed"
    data = json.loads(path.read_text())
    data["features"] = data["features"][:-1]  # fitted on other features: not used
    path.write_text(json.dumps(data))
    assert SidePicker.load(path) is None


def test_word_sides_read_negation_from_word_pairs():
    docs = [("open", "weights", "are", "safe"), ("open", "weights", "are", "not", "safe"),
            ("sharing", "models", "is", "good"), ("sharing", "models", "is", "not", "good"),
            ("who", "knows", "honestly"), ("no", "idea", "who", "knows")] * 3
    sides = ["open", "closed", "open", "closed", "neutral", "neutral"] * 3
    words = WordSides.fit(docs, sides)
    assert words.lean(("open", "models", "are", "safe"))[0] > 0.2
    assert words.lean(("open", "models", "are", "not", "safe"))[0] < -0.2
    lean, neutral = words.lean(("who", "knows"))
    assert abs(lean) < 0.2 and neutral > 0.5
    lean, neutral = words.lean(("llamas", "spit"))  # words it never saw say nothing
    assert abs(lean) < 0.1 and abs(neutral - 1 / 3) < 0.1


def test_word_vote_takes_the_side_of_the_examples_sharing_most_words():
    docs = [("open", "weights", "let", "anyone", "audit", "it"), ("open", "weights", "let", "you", "audit", "it"),
            ("closed", "labs", "keep", "the", "weights", "locked"), ("the", "labs", "keep", "weights", "locked"),
            ("no", "idea", "honestly"), ("honestly", "no", "idea")] * 2
    sides = ["open", "open", "closed", "closed", "neutral", "neutral"] * 2
    words = WordSides.fit(docs, sides)
    assert words.vote(("weights", "let", "me", "audit", "it")) > 0.9
    assert words.vote(("they", "keep", "it", "locked")) < -0.9
    assert abs(words.vote(("no", "idea"))) < 0.1  # neutral neighbours vote for neither side
    assert words.vote(("llamas", "spit")) == 0.0  # no shared word, no vote
    assert WordSides.fit([], []).vote(("open",)) == 0.0
    owned = WordSides.fit(docs, sides, ["audit", "audit", "locked", "locked", None, None] * 2)
    said = ("weights", "locked", "audit")
    assert owned.vote(said, among={"audit"}) > 0.9 and owned.vote(said, among={"locked"}) < -0.9
    assert owned.vote(("keep", "locked"), among={"audit"}) == 0.0  # the other argument's words do not vote
    fits = owned.owner_fits(owned.near(owned.row(("keep", "weights", "locked"))))
    assert owned.owners == ["audit", "locked"] and fits.argmax() == 1  # per argument, its closest example
    assert 0 < fits[0] < fits[1]


def test_the_bundled_word_sides_are_fitted_on_the_utterances_and_read_by_the_picker(matcher):
    chat = matcher.corpus.chat
    assert matcher.word_sides is not None
    arguments = matcher.argmap.arguments
    right = total = 0
    for arg_id, texts in chat.utterances.items():
        for text in texts:
            side = chat.sides.get(text, arguments[arg_id].stance)
            if side in SIDES:
                lean, neutral = matcher.word_sides.lean(matcher.query(text).words)
                sided = (1 - neutral + abs(lean)) / 2  # P(open) - P(closed) = lean, the three sum to one
                guess = "neutral" if neutral > sided else ("open" if lean > 0 else "closed")
                right += guess == side
                total += 1
    assert total > 2000 and right / total > 0.9  # it learned the utterances it was fitted on
    base = matcher.sides.side.probabilities(np.zeros(len(FEATURES)))
    x = np.zeros(len(FEATURES))
    x[FEATURES.index("word_lean")] = 1.0
    assert matcher.sides.side.probabilities(x)[0] > base[0]  # the words' lean moves the side
    x = np.zeros(len(FEATURES))
    x[FEATURES.index("word_vote")] = 1.0
    assert matcher.sides.side.probabilities(x)[0] > base[0]  # and so does their nearest utterances' vote
    for text, sign in (("open weights let anyone audit the model", 1), ("keep the weights locked up, or scammers "
                                                                          "get them", -1)):
        lexical, figures, _, words = matcher.score_parts([text])
        score = fuse(lexical, figures, matcher.blend, fits(words))[0]
        vote = matcher.chat_words.side_words(words[0], score, np.ones(len(score), dtype=bool), matcher.blend.utter_words)[2]
        assert sign * vote > 0.3


def test_a_statement_on_a_mixed_argument_takes_the_side_its_utterances_agree_on():
    from bot.match.fusion import Blend
    from bot.match.questions import asking
    from bot.match.sidepick import MIXED_VOTE, pick_side

    def says_neutral(n: int) -> Logistic:
        return Logistic(np.zeros(n), np.ones(n), np.zeros((n, 3)), np.array([0.0, 0.0, 5.0]))

    neutral = SidePicker(says_neutral(len(FEATURES)), says_neutral(len(FEATURES[FIGURES])))
    scores, signs = np.array([0.7, 0.5, 0.4]), np.array([0.0, 1.0, -1.0])  # the best argument is mixed

    def side(text: str, vote: float, first: int = 0, sides: np.ndarray = signs) -> str:
        return pick_side(neutral, scores, vote, sides, Blend(), 0.0, asking(text), first, (0.0, 1 / 3, 0.0))[0]

    statement = "llama isnt open source, its freeware with a usage policy"
    assert side(statement, -MIXED_VOTE - 0.05) == "closed"
    assert side(statement, MIXED_VOTE + 0.05) == "open"
    assert side(statement, -MIXED_VOTE + 0.2) == "neutral"  # the utterances disagree: the picker's call stands
    assert side("is llama open source or not?", -1.0) == "neutral"  # a question asks
    assert side(statement, -1.0, sides=np.array([1.0, 0.0, -1.0])) == "neutral"  # the best argument takes a side


def test_the_bundled_side_picker_is_in_use_and_fits_the_features(matcher):
    assert matcher.sides is not None
    assert matcher.sides.side.weights.shape == (len(FEATURES), len(SIDES))
    assert matcher.sides.lean.weights.shape == (len(FEATURES[FIGURES]), len(SIDES))
    # a question that praises or blames no side and fits arguments on both sides argues neither
    assert matcher.match("is open source AI safer or more dangerous than closed AI?").side == "neutral"


def test_the_gate_reads_whether_the_runner_up_shares_the_first_arguments_topic():
    from bot.match.claimgate import FEATURES as GATE_FEATURES, features

    scores, lexical, visible = np.array([0.6, 0.5, 0.4]), np.zeros(3), np.ones(3, dtype=bool)
    topics = np.array(["misuse", "misuse", "economics"])
    same = GATE_FEATURES.index("same_topic")

    def gate_inputs(ranked: list[int]) -> np.ndarray:
        return features("open weights hand out a bioweapon tutor", False, scores, ranked, lexical, visible,
                        0.5, 0.2, 0.8, 0.3, topics)

    assert len(gate_inputs([0, 1])) == len(GATE_FEATURES)
    assert gate_inputs([0, 1])[same] == 1.0
    assert gate_inputs([0, 2])[same] == 0.0
    assert gate_inputs([0])[same] == 0.0  # no runner-up


def test_a_gate_example_weighted_two_counts_as_that_example_twice():
    from bot.match.claimgate import ClaimGate

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(40, 4)), (rng.random(40) < 0.4).astype(float)
    weights = np.ones(40)
    weights[:10] = 2.0
    weighted = ClaimGate.fit(x, y, weights=weights, steps=500)
    doubled = ClaimGate.fit(np.vstack([x, x[:10]]), np.concatenate([y, y[:10]]), steps=500)
    plain = ClaimGate.fit(x, y, steps=500)
    assert np.allclose(weighted.weights, doubled.weights) and np.allclose(weighted.mean, doubled.mean)
    assert not np.allclose(weighted.weights, plain.weights)
    assert np.allclose(ClaimGate.fit(x, y, weights=np.ones(40), steps=500).weights, plain.weights)


def test_cues_say_nothing_in_a_long_message(matcher):
    """In a long message praise or blame is as often quoted or sarcastic as meant; the picker reads it whole."""
    from bot.match.polarity import CUE_MAX_WORDS

    short = "open source AI is safer"
    long = ("every lab said open source AI is safer right up to the week it stopped publishing anything at all "
            "about its own models")
    assert len(matcher.norm.words(long)) > CUE_MAX_WORDS
    assert matcher.cues.lean(matcher.norm.words(short, spell=True), short) > 0
    assert matcher.cues.lean(matcher.norm.words(long, spell=True), long) == 0


@pytest.mark.parametrize("text, both_ways, rhetorical, yes_no", [
    ("is llama open source, or only open weights?", True, False, True),
    ("honest question, what does meta get out of giving models away?", True, False, False),
    ("why would anyone build a company on a model that one vendor can switch off?", False, True, False),
    ("weights are public now. so what?", False, True, False),
    ("who exactly is harmed by a 7B model writing bad poems?", False, True, False),
    ("meta released the weights under its own licence", False, False, False),
    ("Should meta keep the next one closed?", False, False, True),
    ("lol. does a licence with a user cap even count as open?", False, False, True),
    ("what's the best case for keeping frontier weights closed, in practice?", True, False, False),
    ("can someone steelman the closed labs here?", True, False, True),
])
def test_how_a_message_asks(text, both_ways, rhetorical, yes_no):
    from bot.match.questions import asking

    asks = asking(text)
    assert (asks.both_ways, asks.rhetorical, asks.yes_no) == (both_ways, rhetorical, yes_no)
    assert asks.question == text.endswith("?")


def test_an_either_or_question_argues_no_side_and_a_rhetorical_one_argues_its_lean(matcher):
    assert matcher.match("is releasing open weights safer than keeping models closed, or riskier?").side == "neutral"
    side = matcher.match("why would anyone trust a closed lab that won't let outsiders test its model?").side
    assert side == "open"
