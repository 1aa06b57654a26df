"""Commands anyone may use: argue, counter, quote, sources, topics, help."""
from __future__ import annotations

from bot.messages import Command, CommandContext
from bot.reply import Placement, QuoteCard, Reply
from bot.service.args import clean_text
from bot.service.cards import answer, card, cards_for, error, note, quote_key
from bot.service.core import ServiceCore

MAX_PAIRS = 3
MAX_PASSAGES = 5

HELP = """Counterpoint answers claims about open vs closed AI with verbatim, sourced quotes from both sides.

Everyone:
  argue <claim>       the arguments that claim makes, with quotes and their counterpoints
  counter <claim>     only the other side's answer to it
  quote <words>       passages of the sources containing those words
  sources             the indexed sources
  topics              the topics the arguments cover
  help                this text
Moderators:
  debate start <motion>  |  debate summary  |  debate close
  trigger add <pattern> [kind=word|phrase|fuzzy] [scope=channel|workspace] [topic=<topic>] [argument=<id>]
  trigger remove <id|pattern>  |  trigger list
  autoreply on [seconds]  |  autoreply off  |  autoreply status
  argument add claim="..." stance=open|closed|mixed topic=<topic> quote="..." source=<source id> | url=<link>
               [speaker="..."] [id=<new id>]
  argument link <A> <B>   (B answers A)
  argument remove <A>     (moderator-added arguments only)"""


def _text(cmd: Command, limit: int) -> str:
    return " ".join(clean_text(cmd.text, limit).split())


async def argue(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    text = _text(cmd, core.settings.match_max_chars)
    if not text:
        return error(ctx, "Type the claim you want answered after `argue`, e.g. `argue open weights make AI "
                          "less safe`.")
    ws = ctx.workspace_id if ctx else None
    boosts = await core.boosts(ws) if ws else None
    result = core.matcher.match(text, limit=MAX_PAIRS * 2, workspace_id=ws, boosts=boosts)
    cards = cards_for(result.matches, limit=MAX_PAIRS)
    if not cards:
        return _no_match(ctx)
    return answer(ctx, title=argue_title(result.side, result.confident), cards=tuple(cards))


def argue_title(side: str, confident: bool) -> str:
    """Says which side the message was read as, and when the bot is unsure of the point itself."""
    if side == "neutral":
        title = "Both sides (it isn't clear which side you're arguing)"
    else:
        title = f"Your point ({side} side) and the counterpoint"
    return title if confident else f"{title}; closest matches, not sure this is your point"


async def counter(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    text = _text(cmd, core.settings.match_max_chars)
    if not text:
        return error(ctx, "Type the claim you want the other side of after `counter`, e.g. `counter closed "
                          "models are safer`.")
    ws = ctx.workspace_id if ctx else None
    boosts = await core.boosts(ws) if ws else None
    counters = core.matcher.counters_for(text, limit=MAX_PAIRS, workspace_id=ws, boosts=boosts)
    used: set[str] = set()
    cards: list[QuoteCard] = []
    for found in counters:
        quote = next((q for q in (found.quotes or found.argument.quotes) if quote_key(q) not in used), None)
        if quote is not None:
            used.add(quote_key(quote))
            cards.append(card(found.argument, quote, is_counter=True))
    if not cards:
        return _no_match(ctx)
    return answer(ctx, title="The other side", cards=tuple(cards))


async def quote(core: ServiceCore, cmd: Command) -> Reply:
    ctx = cmd.context
    text = _text(cmd, core.settings.match_max_chars)
    if not text:
        return error(ctx, "Type some words to look for after `quote`, e.g. `quote nuclear weapons`.")
    found = core.matcher.search_passages(text, limit=MAX_PASSAGES)
    cards = []
    for passage, score in found:
        q = core.matcher.quote_for(passage)
        # a passage is not an argument: no id, the source title stands in for a claim
        cards.append(QuoteCard(argument_id="", claim=q.source_title, stance="mixed", quote=q, score=score))
    if not cards:
        return note(ctx, "No passage in the sources contains those words. Try fewer or different words, "
                         "or `sources` to see what is indexed.")
    return answer(ctx, title="Passages from the sources", cards=tuple(cards))


async def sources(core: ServiceCore, cmd: Command) -> Reply:
    lines = []
    for sid, source in sorted(core.corpus.sources.items()):
        count = len(core.corpus.passages_of(sid))
        extra = f" — {source.url}" if source.url else ""
        lines.append(f"{sid}  {source.title} ({source.kind}, {count} passages){extra}")
    return answer(cmd.context, title="Sources", body="\n".join(lines) or "No sources are indexed.")


async def topics(core: ServiceCore, cmd: Command) -> Reply:
    ws = cmd.context.workspace_id if cmd.context else None
    counts: dict[str, dict[str, int]] = {}
    for argument in core.matcher.argmap:
        if core.visible(argument, ws):
            side = counts.setdefault(argument.topic, {})
            side[argument.stance] = side.get(argument.stance, 0) + 1
    lines = [f"{topic}: " + ", ".join(f"{n} {stance}" for stance, n in sorted(sides.items()))
             for topic, sides in sorted(counts.items())]
    return answer(cmd.context, title="Topics", body="\n".join(lines) or "No arguments yet.")


async def help_(core: ServiceCore, cmd: Command) -> Reply:
    return note(cmd.context, HELP, title="Counterpoint")


def _no_match(ctx: CommandContext | None) -> Reply:
    return answer(ctx, placement=Placement.EPHEMERAL,
                  body="No argument matches that. Try naming the point more directly (e.g. safety, misuse, "
                       "innovation, competition), or see `topics`.")
