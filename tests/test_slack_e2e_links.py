"""End to end on Slack, web links: "in context →" on cards and the signed debate link, only when configured."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio

from bot.weblinks import debate_link_valid
from slack_standin import ApiCall, block_errors
from slack_standin.harness import SlackHarness, open_harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

BASE = "https://cp.example.org"
SECRET = "slack-e2e-secret"
ADMIN = "U0ADMIN"
CLAIM = "open weights make AI safer because everyone can inspect them"
CLOSED_TAKE = "Closed models are safer, releasing weights lets bad actors build bioweapons"
MOTION = "Open weights do more good than harm"
CONTEXT = re.compile(r"<(https://cp\.example\.org/(?:quotes/[^/|>]+/\d+|sources/[^|>#]+#p\d+|arguments/[^|>]+))"
                     r"\|in context →>")
DEBATE_LINK = re.compile(r"<(https://cp\.example\.org/debates/\d+\?exp=\d+&amp;sig=[0-9a-f]+)\|([^>]*)>")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(tmp_path_factory) -> SlackHarness:
    async with open_harness(tmp_path_factory.mktemp("slack-links"), web_base_url=BASE,
                            web_secret=SECRET) as harness:
        yield harness


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def plain(tmp_path_factory) -> SlackHarness:
    async with open_harness(tmp_path_factory.mktemp("slack-plain")) as harness:
        yield harness


def context_links(call: ApiCall) -> list[str]:
    """The "in context" addresses of a posted message, one per card (attribution context blocks)."""
    found = []
    for block in call.params["blocks"]:
        if block["type"] == "context" and block["elements"][0]["text"].startswith("— "):
            texts = [e["text"] for e in block["elements"][1:]]
            found.append(next((CONTEXT.fullmatch(t).group(1) for t in texts if CONTEXT.fullmatch(t)), None))
    return found


async def argue_cards(h: SlackHarness) -> ApiCall:
    channel = h.new_channel()
    result = await h.send_command(f"argue {CLAIM}", channel=channel)
    assert result.status == 200
    lead = await h.standin.wait_for(None, lambda c: c.params.get("key") == result.response_key or (
        c.method == "chat.postMessage" and c.params.get("channel") == channel))
    assert lead.method == "chat.postMessage", lead.params.get("text")
    post = await h.standin.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == lead.response["ts"])
    assert block_errors(post.params["blocks"]) == []
    return post


async def test_argue_cards_link_to_their_quote_in_context(linked):
    post = await argue_cards(linked)
    links = context_links(post)
    assert len(links) >= 2 and all(links)
    for url in links:
        if "/quotes/" in url:
            argument_id, index = url.split("/")[-2:]
            assert linked.service.matcher.argmap.get(argument_id).quotes[int(index)]
    assert any("/quotes/" in url for url in links)


async def test_no_links_without_web_base_url(plain):
    post = await argue_cards(plain)
    links = context_links(post)
    assert links and links == [None] * len(links)
    assert not any("in context" in t or "cp.example" in t for t in post.texts())


async def start_debate(h: SlackHarness) -> tuple[str, str, ApiCall, ApiCall]:
    """A debate with one claim made in its thread: (channel, thread ts, opening cards, the reply to the claim)."""
    channel = h.new_channel()
    result = await h.send_command(f"debate start {MOTION}", user=ADMIN, channel=channel)
    lead = await h.standin.wait_for(None, lambda c: c.params.get("key") == result.response_key or (
        c.method == "chat.postMessage" and c.params.get("channel") == channel and not c.params.get("thread_ts")))
    assert lead.method == "chat.postMessage", lead.params.get("text")
    thread_ts = lead.response["ts"]
    opening = await h.standin.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == thread_ts)
    assert await h.outcome(result) == ["posted"]
    sent = await h.send_message(CLOSED_TAKE, channel=channel, thread_ts=thread_ts)
    assert await h.outcome(sent) == ["replied"]
    reply = [c for c in h.standin.calls_to("chat.postMessage") if c.params.get("channel") == channel][-1]
    assert block_errors(reply.params["blocks"]) == [] and reply.params["thread_ts"] == thread_ts
    return channel, thread_ts, opening, reply


async def test_auto_reply_in_a_debate_thread_carries_links(linked):
    _, _, opening, reply = await start_debate(linked)
    assert context_links(opening) and all(context_links(opening))
    assert context_links(reply) and all(context_links(reply))


async def summary_texts(h: SlackHarness) -> list[str]:
    """Everything shown after a moderator runs `debate summary` in a debate's channel."""
    channel, thread_ts, _, _ = await start_debate(h)
    before = len(h.standin.calls)
    result = await h.send_command("debate summary", user=ADMIN, channel=channel)
    assert result.status == 200
    answer = await h.standin.wait_for(None, lambda c: c.params.get("key") == result.response_key or (
        c.method == "chat.postMessage" and c.params.get("channel") == channel
        and c.params.get("thread_ts") == thread_ts and "Debate summary" in c.params.get("text", "")))
    assert answer.params.get("response_type") != "ephemeral", answer.params.get("text")
    assert block_errors(answer.params["blocks"]) == []
    return [t for call in h.standin.calls[before:] for t in call.texts()]


async def test_debate_summary_carries_a_signed_link_that_verifies(linked):
    texts = await summary_texts(linked)
    found = [m for t in texts for m in DEBATE_LINK.findall(t)]
    assert found, texts
    url, label = found[0]
    assert "private link" in label
    parts = urlsplit(url.replace("&amp;", "&"))  # Slack's own escaping of & inside a link
    query = parse_qs(parts.query)
    debate_id, expires, sig = parts.path.rsplit("/", 1)[1], query["exp"][0], query["sig"][0]
    assert debate_link_valid(SECRET, debate_id, expires, sig)
    assert not debate_link_valid(SECRET, debate_id, expires, sig[:-2] + "00")
    assert not debate_link_valid(SECRET, debate_id, str(int(expires) + 1), sig)
    assert not debate_link_valid("guessed", debate_id, expires, sig)
    assert not any("<!" in t or "<@" in t for t in texts)


async def test_debate_summary_has_no_link_when_unset(plain):
    texts = await summary_texts(plain)
    assert any(MOTION in t for t in texts)
    assert not any("/debates/" in t or "private link" in t for t in texts)
