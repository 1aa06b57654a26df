"""Matcher: normalisation, typo tolerance, the gate's silence on false friends, counters, bad input."""
from __future__ import annotations

import random

import pytest

from bot.match.normalize import clean
from bot.settings import REPO_ROOT
from bot.textnorm import locate_quote, tokens

FALSE_FRIENDS = [
    "the store is closed",
    "my llama farm",
    "the meta in this patch",
    "open mic night",
    "safety meeting at 3pm",
    "source code for the game mod is on github",
    "we closed the deal with the model agency",
    "the weights in the gym are heavy",
    "what quant of mistral 7b fits in 8gb of vram with a 16k context",
    "which mistral model is best for summarising long pdfs on a laptop",
]


def test_clean_removes_markup_mentions_urls_emoji_and_contractions():
    text = "@everyone <@123> **Open** weights aren't safe 🚀 :fire: see https://x.com/a?b=c `code` ~~x~~"
    out = clean(text, 2000)
    assert "everyone" not in out and "123" not in out and "https" not in out and "fire" not in out
    assert "*" not in out and "`" not in out and "~" not in out
    assert "are not" in out and "open" in out


def test_unformatted_mentions_are_not_words_but_email_addresses_stay():
    # Slack's <!channel> and <@U0ADMIN> arrive as @channel and @U0ADMIN once unformatted
    out = clean("@channel @U0ADMIN @zuck_fan open weights, mail ada@example.org", 2000)
    assert out.split() == ["open", "weights,", "mail", "ada@example.org"]


def test_zalgo_and_accents_fold_to_plain_words():
    zalgo = "o\u0336\u0317p\u035be\u0328n\u0301 s\u0300o\u0327urce"
    assert clean(zalgo, 2000).split() == ["open", "source"]


def test_synonyms_rewrite_variants_to_one_term(matcher):
    a = matcher.query("open weights are dangerous").terms
    b = matcher.query("open-source models are dangerous").terms
    c = matcher.query("OSS is dangerous").terms
    assert a[0] == b[0] == c[0]
    assert matcher.query("biological weapons").terms == matcher.query("bioweapons").terms


def test_typos_are_tolerated(matcher):
    clean_result = matcher.match("open sourcing technology that can create biological weapons is the threat")
    typo_result = matcher.match("open sourcing tecnology that can creat biologcal weapons is the threat")
    assert clean_result.matches and typo_result.matches
    assert typo_result.matches[0].argument.id == clean_result.matches[0].argument.id
    assert matcher.query("zuckerbreg").words == matcher.query("zuckerberg").words


@pytest.mark.parametrize("text", FALSE_FRIENDS)
def test_gate_stays_silent_on_common_word_false_friends(matcher, text):
    assert matcher.match(text).trigger is False


@pytest.mark.parametrize("text", [
    "open weights just hand terrorists a bioweapon recipe",
    "closed source labs shouldn't get to decide what's safe for everyone",
    "zuck is only open sourcing llama to commoditize his competitors",
])
def test_gate_fires_on_clear_debate_claims(matcher, text):
    result = matcher.match(text)
    assert result.trigger is True, (text, result.topic_score, [m.score for m in result.matches])


def test_gate_posts_at_its_fitted_threshold_unless_the_setting_sets_another(matcher):
    """TRIGGER_MIN_PROBABILITY unset: the bar saved with the gate; set: that bar, either way."""
    text = "open weights just hand terrorists a bioweapon recipe"
    assert matcher.settings.trigger_min_probability is None and 0.3 <= matcher.gate.threshold <= 0.9
    assert matcher.match(text).trigger is True
    unset = matcher.settings
    try:
        matcher.use_settings(unset.model_copy(update={"trigger_min_probability": 1.0}))
        assert matcher.match(text).trigger is False
        matcher.use_settings(unset.model_copy(update={"trigger_min_probability": 0.0}))
        quiet = matcher.match("the meta in this patch")
        assert quiet.matches and quiet.trigger is True
    finally:
        matcher.use_settings(unset)


@pytest.mark.parametrize("text, side", [
    ("open weights just hand terrorists a bioweapon recipe", "closed"),
    ("open source AI is dangerous", "closed"),
    ("open weights make AI safer, more eyes on it", "open"),
    ("open source AI is safer", "open"),
    ("keeping models behind an api is the only way to stop scammers", "closed"),
    ("with the weights out, researchers can actually study how these models fail", "open"),
])
def test_counters_answer_the_side_the_message_argues(matcher, text, side):
    other = {"open": "closed", "closed": "open"}[side]
    result = matcher.match(text)
    assert result.side == side
    top = result.matches[0]
    assert top.argument.stance == side  # the point the message makes, not a sibling from the other side
    assert top.counters and top.counters[0].argument.stance == other
    assert [c.argument.id for c in top.counters if c.argument.stance not in (other, "mixed")] == []
    assert all(c.quotes for c in top.counters)


@pytest.mark.parametrize("text", ["Meta can spend as much money as Google on AI",
                                  "Zuckerberg is flip flopping on open source AI"])  # the second: restored 001
def test_matches_carry_verbatim_quotes_with_locators(matcher, corpus, text):
    result = matcher.match(text)
    assert result.matches
    source_tokens: dict[str, list[str]] = {}
    for m in result.matches:
        assert m.quotes and 0.0 <= m.score <= 1.0
        for q in (*m.quotes, *(q for c in m.counters for q in c.quotes)):
            assert q.locator and not q.moderator_supplied
            if q.source_id not in source_tokens:  # the source file as it lies on disk, not the parsed passages
                path = REPO_ROOT / "corpus" / corpus.sources[q.source_id].file
                source_tokens[q.source_id] = tokens(path.read_text(encoding="utf-8"))
            words = q.original_text if q.restored else q.text  # a restored quote keeps the source's words
            assert locate_quote(source_tokens[q.source_id], words) is not None, (q.source_id, q.locator, words)


WORDLESS = {"empty": "", "blank": "   \n\t ", "emoji": "🔥🔥🔥", "a 100 KB word": "x" * 100_000,
            "zalgo": "Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o\u0358 " * 500}
NOISE = {"random bytes": random.Random(14).randbytes(4096).decode("latin-1"),
         "control characters": "\x00\x01\x02 binary \xff"}


@pytest.mark.parametrize("text", WORDLESS.values(), ids=WORDLESS.keys())
def test_input_without_a_word_of_the_debate_matches_nothing(matcher, text):
    result = matcher.match(text)
    assert result.text == text and result.matches == ()
    assert result.trigger is False and result.side == "neutral"


@pytest.mark.parametrize("text", NOISE.values(), ids=NOISE.keys())
def test_noise_never_triggers_a_reply(matcher, text):
    assert matcher.match(text).trigger is False


def test_control_characters_and_accents_are_dropped(matcher):
    assert matcher.query("\x00\x01\x02 binary \xff").words == ("binary", "y")


@pytest.mark.parametrize("text", ["open source " * 20_000, "open weights just hand terrorists a bioweapon recipe " * 3_000],
                         ids=["spam", "a claim repeated"])
def test_a_huge_message_is_answered_as_its_bounded_prefix(matcher, text):
    whole, prefix = matcher.match(text), matcher.match(text[:matcher.settings.match_max_chars])
    assert (whole.trigger, whole.side, whole.topic_score) == (prefix.trigger, prefix.side, prefix.topic_score)
    assert whole.matches == prefix.matches


def test_only_a_bounded_prefix_is_matched(matcher):
    settings_limit = matcher.settings.match_max_chars
    words = matcher.query("open source " * 50_000).words
    assert len(words) <= settings_limit // 2


def test_an_arguments_chat_words_fit_it_and_a_moderators_argument_is_fitted_by_its_claim(corpus, matcher, tmp_path):
    """The utterance word fit blended into the ranking: a message saying one of an argument's utterances fits
    that argument best; an argument without utterances (a moderator's) is fitted by its claim and keywords."""
    from bot.argmap.types import Argument
    from bot.match.matcher import Matcher

    arg_id, said = next((a, texts[0]) for a, texts in corpus.chat.utterances.items() if texts)
    fits = matcher.chat_words.read(matcher.query(said).words).fit
    assert fits[matcher.position_of(arg_id)] > 0.95 and fits.argmax() == matcher.position_of(arg_id)
    assert not matcher.chat_words.read(matcher.query("\U0001F999 \U0001F999").words).fit.any()
    planted = Argument("mod-gpu-tax", "Export controls on GPUs are a tax on small labs", "open", "competition",
                       keywords=("gpu export controls",), origin="moderator", workspace_id="W1")
    other = Matcher(corpus, matcher.settings, [planted], embedder=matcher.semantic.embedder, cache_dir=tmp_path)
    fits = other.chat_words.read(other.query("gpu export controls are just a tax on small labs").words).fit
    assert fits.argmax() == other.position_of("mod-gpu-tax") and fits.max() > 0.5
