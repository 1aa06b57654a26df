"""How a message asks: not at all, a question that weighs both sides or asks to learn, or a rhetorical one."""
from __future__ import annotations

import re
from dataclasses import dataclass

# general English ways of asking to make a point rather than to learn; a rhetorical question argues a side
RHETORICAL = re.compile(
    r"\bwhy (would|should|do|does|did|is|are) (anyone|anybody|you|we|they|people|i)\b"
    r"|\bdo (you|we) (really|honestly|seriously|actually) (want|think|believe|expect)\b"
    r"|\b(who|what|how) (exactly|even)\b|\bexactly\s*\?"
    r"|\bhow (is|was) (it|that|this)\b[^?]*\bif\b"
    r"|\bsince when\b|\bwhat could (possibly )?go wrong\b|\bhow did that (turn|work) out\b"
    r"|\bwho (even )?(asked|cares)\b|\bare we (really|seriously)\b"
    r"|\b(does|do) (anyone|anybody|nobody|people) (really |seriously |honestly |actually )?(think|believe|see)\b"
    r"|\bisn'?t it (obvious|funny|convenient)\b|(^|[.!]\s*)(and|so what)\s*\?")
# ... and ways of asking that weigh two answers or ask to be told
BOTH_WAYS = re.compile(
    r"\b(genuinely|honestly|just|seriously) (asking|curious|wondering)\b|\b(genuine|honest) question\b"
    r"|\bcan (someone|anyone|somebody) explain\b|\bi can see it both ways\b|\beli5\b"
    r"|\bwhat do (people|ppl|folks|you all|y'?all|you guys)( here)? (actually |really )?think\b"
    r"|\bwhat'?s (actually |really )?the (strongest|best|most convincing)( \w+)? (case|argument)s?\b|\bsteel ?-?man\b")
EITHER_OR = re.compile(r"\bor\b")
# a question that opens with its verb ("is it ...?", "should meta ...?") asks for a yes or a no
YES_NO = re.compile(r"\s*(is|are|does|do|should|will|can|would|could|was|has)\b")
SENTENCE_END = re.compile(r"(?<=[.!?\n])")
MAX_CHARS = 2000  # how a message asks shows in its opening; reading no further keeps a 100 KB paste cheap


@dataclass(frozen=True, slots=True)
class Asking:
    """What kind of asking a message does (all False for a statement)."""

    question: bool  # it ends with a question mark
    both_ways: bool  # a question offering alternatives ("is it X or Y?") or asking to be told
    rhetorical: bool  # a question asked to make a point ("why would anyone ...?", "who exactly ...?")
    yes_no: bool  # the message opens with a yes-or-no question ("is llama really open source?")


def asking(text: str) -> Asking:
    ends_asking = text.rstrip().endswith("?")
    lowered = text[:MAX_CHARS].lower().replace("\u2019", "'")
    questions = [s for s in SENTENCE_END.split(lowered) if s.rstrip().endswith("?")]
    if not questions:
        return Asking(ends_asking, False, False, False)
    both = any(EITHER_OR.search(q) for q in questions) or bool(BOTH_WAYS.search(lowered))
    return Asking(ends_asking, both, bool(RHETORICAL.search(lowered)), bool(YES_NO.match(questions[0])))
