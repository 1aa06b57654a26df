"""Matcher: normalisation, typo tolerance, the gate's silence on false friends, counters, bad input."""
from __future__ import annotations

import os

import pytest

from bot.match.normalize import clean

FALSE_FRIENDS = [
    "the store is closed",
    "my llama farm",
    "the meta in this patch",
    "open mic night",
    "safety meeting at 3pm",
    "source code for the game mod is on github",
    "we closed the deal with the model agency",
    "the weights in the gym are heavy",
]


def test_clean_removes_markup_mentions_urls_emoji_and_contractions():
    text = "@everyone <@123> **Open** weights aren't safe 🚀 :fire: see https://x.com/a?b=c `code` ~~x~~"
    out = clean(text, 2000)
    assert "everyone" not in out and "123" not in out and "https" not in out and "fire" not in out
    assert "*" not in out and "`" not in out and "~" not in out
    assert "are not" in out and "open" in out


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


def test_counters_come_from_the_other_side(matcher):
    result = matcher.match("open weights just hand terrorists a bioweapon recipe")
    top = result.matches[0]
    assert top.argument.stance == "closed"
    assert top.counters and top.counters[0].argument.stance == "open"
    assert top.counters[0].quotes


def test_matches_carry_verbatim_quotes_with_locators(matcher, corpus):
    result = matcher.match("Meta can spend as much money as Google on AI")
    for m in result.matches:
        assert m.quotes and 0.0 <= m.score <= 1.0
        for q in m.quotes:
            assert q.source_id in corpus.sources and q.locator


@pytest.mark.parametrize("text", ["", "   \n\t ", "🔥🔥🔥", "x" * 100_000, "open source " * 20_000,
                                  os.urandom(4096).decode("latin-1"), "\x00\x01\x02 binary \xff",
                                  "Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o\u0358 " * 500])
def test_bad_input_never_crashes(matcher, text):
    result = matcher.match(text)
    assert isinstance(result.matches, tuple)
    assert result.trigger in (True, False)


def test_only_a_bounded_prefix_is_matched(matcher):
    settings_limit = matcher.settings.match_max_chars
    words = matcher.query("open source " * 50_000).words
    assert len(words) <= settings_limit // 2
