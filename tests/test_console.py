"""The console adapter: a scripted terminal session, and the plain-text renderer."""
from __future__ import annotations

import io

from adapters.console.app import run_console
from adapters.console.render import render_reply
from bot.argmap.types import Quote
from bot.reply import Placement, QuoteCard, Reply
from service_helpers import make_settings

SESSION = """\
I had pizza for lunch
/autoreply on 0
Open-sourcing these models is reckless: terrorists could use them to make biological weapons.
/debate start Open-weight AI models should be released to the public
Keep the weights closed so malicious actors can't misuse them.
/as bob
If everyone has similar models, governments with more compute can keep bad actors in check.
/react +1
/debate summary
/debate close
/trigger add llama kind=word
/trigger list
/argument remove misuse-bioweapons
/quit
this line is never read
"""


async def test_scripted_session(tmp_path):
    out = io.StringIO()
    code = await run_console(make_settings(tmp_path), stdin=io.StringIO(SESSION), stdout=out)
    text = out.getvalue()
    assert code == 0
    assert "Auto replies are on in this channel" in text  # the console channel is opted in
    assert "misuse-bioweapons" in text and "↳ Counterpoint" in text  # auto reply with its counterpoint
    assert "(you are now in thread" in text  # debate start moved the session into the debate thread
    assert "(you are now bob; in the console every participant is a moderator" in text and "(feedback recorded)" in text
    summary = text.split("Debate summary:", 1)[1]
    assert "• you:" in summary and "• bob:" in summary and "Unanswered counters" in summary
    assert "Debate closed:" in text
    assert "Trigger 1 added" in text and "word “llama”" in text
    assert "can't be removed from chat" in text
    before_opt_in = text.split("at most one every 0 s", 1)[0]
    assert "[counterpoint →" not in before_opt_in  # small talk got no reply


async def test_end_of_input_exits_cleanly(tmp_path):
    out = io.StringIO()
    assert await run_console(make_settings(tmp_path), stdin=io.StringIO(""), stdout=out) == 0


def test_render_reply_shows_attribution_link_restoration_and_counter():
    restored = Quote(text="open source AI will be safer than the alternatives", source_id="001",
                     source_title="News article", speaker="Mark Zuckerberg", locator="¶8",
                     original_text="unfastened root AI will beryllium safer than nan alternatives")
    plain = Quote(text="Some argue that keeping models closed would make them safer", source_id="002",
                  source_title="Interview notes", locator="00:41:40",
                  url="https://www.youtube.com/watch?v=oX7OduG1YmI&t=2500s")
    reply = Reply(placement=Placement.CHANNEL, title="Arguments", cards=(
        QuoteCard(argument_id="closed-safer", claim="Closed models are safer", stance="closed", quote=plain),
        QuoteCard(argument_id="open-safer", claim="Open AI is safer", stance="open", quote=restored,
                  is_counter=True)))
    text = render_reply(reply)
    assert "▶ CLOSED: Closed models are safer" in text
    assert "“Some argue that keeping models closed would make them safer”" in text
    assert "— Interview notes · 00:41:40" in text and "https://www.youtube.com/watch?v=oX7OduG1YmI&t=2500s" in text
    assert "↳ Counterpoint OPEN: Open AI is safer" in text
    assert "— Mark Zuckerberg · News article · ¶8" in text
    assert "restored from reworded source" in text and "unfastened root" in text
    assert render_reply(Reply(placement=Placement.EPHEMERAL, body="nope", is_error=True)).startswith("⚠")
