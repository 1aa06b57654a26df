"""Moderator edits to the argument map from chat: `argument add`, `argument link`, `argument remove`."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.argmap.types import STANCES, Argument, Quote
from bot.db.repos import arguments as repo
from bot.errors import QuoteNotInSource
from bot.messages import Command, CommandContext
from bot.reply import Placement, Reply
from bot.service.args import clip, parse_args
from bot.service.argsync import edit_matcher
from bot.service.cards import answer, card, error, note
from bot.service.core import ServiceCore

ADD_KEYS = {"claim", "stance", "topic", "quote", "source", "url", "speaker", "id", "keywords"}
FREE_TEXT = {"claim", "quote", "speaker"}
MAX_CLAIM = 500
MAX_QUOTE = 2000
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,80}$")
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")

ADD_USAGE = ('Usage: argument add claim="..." stance=open|closed|mixed topic=<topic> quote="..." '
             "source=<source id> (a quote from an indexed source, checked word for word) or url=<link> "
             '(a quote from elsewhere) [speaker="..."] [id=<new id>]')


async def argument_command(core: ServiceCore, cmd: Command) -> Reply:
    sub = cmd.args[0].lower() if cmd.args else ""
    rest = cmd.args[1:]
    if sub == "add":
        return await add(core, cmd, rest)
    if sub == "link":
        return await link(core, cmd, rest)
    if sub in ("remove", "delete", "rm"):
        return await remove(core, cmd, rest)
    return error(cmd.context, "Use `argument add`, `argument link A B` or `argument remove A`.\n" + ADD_USAGE)


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:6]
    return "-".join(words)[:60] or "argument"


def _fresh_id(core: ServiceCore, claim: str) -> str:
    base = f"m-{_slug(claim)}"
    taken = core.matcher.argmap.arguments
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


async def add(core: ServiceCore, cmd: Command, words: tuple[str, ...]) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    parsed = parse_args(words, cmd.options, known=ADD_KEYS, free_text=FREE_TEXT)
    o = parsed.options
    claim, quote_text = " ".join(o.get("claim", "").split()), o.get("quote", "").strip().strip('"')
    stance, topic = o.get("stance", "").lower(), o.get("topic", "").lower().strip()
    if not claim or not quote_text or not stance or not topic:
        missing = [k for k, v in (("claim", claim), ("stance", stance), ("topic", topic), ("quote", quote_text))
                   if not v]
        return error(ctx, f"Missing {', '.join(missing)}.\n{ADD_USAGE}")
    if stance not in STANCES:
        return error(ctx, f"stance must be one of {', '.join(STANCES)} (got {stance[:40]!r}).")
    if not _TOPIC.match(topic):
        return error(ctx, "topic must be a short word like `safety` or `misuse` (letters, digits, - and _); "
                          f"known topics: {', '.join(core.matcher.argmap.topics())}.")
    if len(claim) > MAX_CLAIM or len(quote_text) > MAX_QUOTE:
        return error(ctx, f"The claim must be at most {MAX_CLAIM} characters and the quote at most {MAX_QUOTE}.")
    quote = _resolve_quote(core, o, quote_text)
    if isinstance(quote, str):
        return error(ctx, quote)
    argument_id = o.get("id", "").lower() or _fresh_id(core, claim)
    if not _ID.match(argument_id):
        return error(ctx, "id must be 2-80 lowercase letters, digits, `.`, `_` or `-`.")
    if core.matcher.argmap.get(argument_id) is not None:
        return error(ctx, f"An argument with id {argument_id} already exists; choose another id.")
    keywords = tuple(k.strip().lower() for k in o.get("keywords", "").split(",") if k.strip())[:30]
    argument = Argument(id=argument_id, claim=claim, stance=stance, topic=topic,  # type: ignore[arg-type]
                        keywords=keywords, quotes=(quote,), origin="moderator", workspace_id=ctx.workspace_id)
    async with core.arguments_lock:  # a reload from the database must not interleave with this edit
        async with core.write() as session:
            if await repo.get_argument(session, argument_id) is not None:
                return error(ctx, f"An argument with id {argument_id} already exists; choose another id.")
            await repo.add_moderator_argument(session, argument, created_by=clip(ctx.user_id, 200), now=core.now())
        await edit_matcher(core, lambda matcher: matcher.add_argument(argument))
    return _added_reply(ctx, argument, quote)


def _added_reply(ctx: CommandContext, argument: Argument, quote: Quote) -> Reply:
    body = (f"Added argument {argument.id} ({argument.stance}, topic {argument.topic}). Link what answers it "
            f"with `argument link {argument.id} <counter id>`, or make it answer another with "
            f"`argument link <id> {argument.id}`.")
    return answer(ctx, placement=Placement.EPHEMERAL, title="Argument added", body=body,
                  cards=(card(argument, quote),))


def _resolve_quote(core: ServiceCore, options: dict[str, str], text: str) -> Quote | str:
    """The checked quote, or an error message."""
    source_id, url = options.get("source", "").strip(), options.get("url", "").strip()
    speaker = options.get("speaker", "").strip()[:200] or None
    if source_id and source_id != repo.MODERATOR_SOURCE_ID:
        if source_id not in core.corpus.sources:
            return (f"Unknown source {source_id[:40]!r}; indexed sources are "
                    f"{', '.join(sorted(core.corpus.sources))}. For a quote from elsewhere give url=<link>.")
        try:
            return core.corpus.resolve_quote(source_id, text)
        except QuoteNotInSource as exc:
            title = core.corpus.sources[source_id].title
            return (f"Refused: that quote does not appear word for word in source {source_id} ({title}), so it "
                    f"cannot be attributed to it ({exc.message}). Copy the exact words from the source (use "
                    "`quote <words>` to find them), or give url=<link> for a quote from elsewhere.")
    if not url:
        return "Say where the quote comes from: source=<indexed source id> or url=<link>."
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "url must be a full http(s) link, e.g. url=https://example.org/interview."
    host = parts.hostname.removeprefix("www.") if parts.hostname else ""
    return Quote(text=text, source_id=repo.MODERATOR_SOURCE_ID, source_title=host or "moderator-supplied",
                 speaker=speaker, url=url[:2000], moderator_supplied=True)


async def link(core: ServiceCore, cmd: Command, words: tuple[str, ...]) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    parsed = parse_args(words, cmd.options, known={"argument", "counter"})
    ids = [*(parsed.options[k] for k in ("argument", "counter") if k in parsed.options), *parsed.positional]
    if len(ids) != 2:
        return error(ctx, "Usage: argument link <A> <B> — records that argument B answers argument A.")
    a_id, b_id = (i.lower() for i in ids)
    a, b = core.argument(a_id, ctx.workspace_id), core.argument(b_id, ctx.workspace_id)
    unknown = [i for i, arg in ((a_id, a), (b_id, b)) if arg is None]
    if unknown:
        return error(ctx, f"Unknown argument id {', '.join(i[:80] for i in unknown)}. "
                          "See `topics`, or autocomplete, for ids.")
    if a_id == b_id:
        return error(ctx, "An argument cannot answer itself.")
    async with core.arguments_lock:
        async with core.write() as session:
            added = await repo.add_moderator_link(session, a_id, b_id, workspace_id=ctx.workspace_id,
                                                  created_by=clip(ctx.user_id, 200), now=core.now())
        if added:
            await edit_matcher(core, lambda matcher: matcher.link(a_id, b_id))
    if not added:
        return note(ctx, f"{b_id} already answers {a_id}.")
    return note(ctx, f"Linked: {b_id} now answers {a_id}.")


async def remove(core: ServiceCore, cmd: Command, words: tuple[str, ...]) -> Reply:
    ctx = cmd.context
    assert ctx is not None
    parsed = parse_args(words, cmd.options, known={"argument", "id"})
    target = (parsed.options.get("argument") or parsed.options.get("id") or parsed.text()).lower().strip()
    if not target:
        return error(ctx, "Usage: argument remove <id> (moderator-added arguments only).")
    argument = core.argument(target, ctx.workspace_id)
    if argument is None:
        return error(ctx, f"Unknown argument id {target[:80]}.")
    if argument.origin != "moderator":
        return error(ctx, f"{target} is a curated argument from corpus/arguments.yaml; curated arguments can't "
                          "be removed from chat. Edit the YAML file and run `counterpoint ingest` instead.")
    async with core.arguments_lock:
        async with core.write() as session:
            await repo.remove_moderator_argument(session, target)
        await edit_matcher(core, lambda matcher: matcher.remove_argument(target))
    return note(ctx, f"Removed argument {target} and the links moderators made to it.")
