"""Chat-register data of the map: example utterances per argument and not-a-claim exemplars, validated."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Tag

from bot.errors import CorpusError
from bot.yamlfile import compose, read_text
from bot.yamlschema import validate

UTTERANCES_DIR = "utterances"
NOT_CLAIMS_FILE = "not_claims.yaml"
MAX_UTTERANCE_CHARS = 1000
MIN_UTTERANCES = 8  # per curated argument: fewer and chat phrasing of the point goes unrecognised


def _clean(items: list[str]) -> list[str]:
    out = [" ".join(str(s).split()) for s in items]
    if any(not s for s in out):
        raise ValueError("empty message")
    if any(len(s) > MAX_UTTERANCE_CHARS for s in out):
        raise ValueError(f"a message is longer than {MAX_UTTERANCE_CHARS} characters")
    return out


Messages = Annotated[list[str], AfterValidator(_clean)]
Side = Literal["open", "closed", "neutral"]


class SidedUtterance(BaseModel):
    """An utterance that argues another side than its argument's stance (a rebuttal, a sceptical or a
    neutral form), or any side at all when the argument is mixed."""

    model_config = ConfigDict(extra="forbid")
    text: str
    side: Side


# a mapping is checked as a sided utterance only, so its error names its own fault, not "not a string"
Item = Annotated[Union[Annotated[str, Tag("plain")], Annotated[SidedUtterance, Tag("sided")]],
                 Discriminator(lambda v: "sided" if isinstance(v, (dict, SidedUtterance)) else "plain")]


def _clean_items(items: list[str | SidedUtterance]) -> list[str | SidedUtterance]:
    texts = _clean([i if isinstance(i, str) else i.text for i in items])
    return [t if isinstance(i, str) else SidedUtterance(text=t, side=i.side) for t, i in zip(texts, items)]


class UtteranceFile(BaseModel):
    """One `corpus/utterances/<topic>.yaml`: argument id -> messages that make that argument, each a string
    (it argues the argument's side) or `{text, side}`."""

    model_config = ConfigDict(extra="forbid")
    utterances: dict[str, Annotated[list[Item], AfterValidator(_clean_items)]]


class NotClaimsFile(BaseModel):
    """`corpus/not_claims.yaml`: kind -> chat messages that argue nothing about open vs closed AI."""

    model_config = ConfigDict(extra="forbid")
    not_claims: dict[str, Messages]


@dataclass(frozen=True, slots=True)
class ChatData:
    """Utterances by argument id, the side of those tagged with one, and the not-a-claim exemplars."""

    utterances: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_claims: tuple[str, ...] = ()
    sides: dict[str, Side] = field(default_factory=dict)  # utterance text -> side, where tagged


def _string_lines(node: yaml.Node | None) -> dict[str, int]:
    """1-based line of every scalar string under a node (first occurrence)."""
    lines: dict[str, int] = {}
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            lines.setdefault(" ".join(str(current.value).split()), current.start_mark.line + 1)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return lines


def _read(path: Path, label: str, model: type[BaseModel]) -> tuple[BaseModel, dict[str, int]]:
    data, node = compose(read_text(path, label), label)
    return validate(model, data, node, label), _string_lines(node)


def load_chat_data(corpus_dir: Path, arguments: dict[str, str], mixed: Collection[str] = ()
                   ) -> tuple[ChatData, list[CorpusError]]:
    """Read every utterance file and the not-a-claim file; `arguments` maps id -> topic, `mixed` holds the
    ids of arguments that take no side. Unknown ids, a file naming another topic's argument, a message given
    twice and an untagged message of a mixed argument are errors (file and line)."""
    errors: list[CorpusError] = []
    found: dict[str, list[str]] = {}
    sides: dict[str, Side] = {}
    first_seen: dict[str, str] = {}
    folder = corpus_dir / UTTERANCES_DIR
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        label = f"{corpus_dir.name}/{UTTERANCES_DIR}/{path.name}"
        try:
            parsed, lines = _read(path, label, UtteranceFile)
        except CorpusError as exc:
            errors.append(exc)
            continue
        for arg_id, items in parsed.utterances.items():  # type: ignore[attr-defined]
            line = lines.get(arg_id)
            if arg_id not in arguments:
                errors.append(CorpusError(label, f"{arg_id!r} is not an argument id", line))
                continue
            if arguments[arg_id] != path.stem:
                errors.append(CorpusError(label, f"argument of topic {arguments[arg_id]!r} in the file of "
                                          f"topic {path.stem!r}", line, arg_id))
            for item in items:
                text = item if isinstance(item, str) else item.text
                key = text.casefold()
                if key in first_seen:
                    errors.append(CorpusError(label, f"utterance given twice (also under {first_seen[key]}): "
                                              f"{text[:60]!r}", lines.get(text), arg_id))
                    continue
                first_seen[key] = arg_id
                found.setdefault(arg_id, []).append(text)
                if not isinstance(item, str):
                    sides[text] = item.side
                elif arg_id in mixed:
                    errors.append(CorpusError(label, f"{arg_id} is mixed, so each of its utterances needs a side "
                                              f"({{text: ..., side: open|closed|neutral}}): {text[:60]!r}",
                                              lines.get(text), arg_id))
    not_claims: list[str] = []
    path = corpus_dir / NOT_CLAIMS_FILE
    if path.is_file():
        label = f"{corpus_dir.name}/{NOT_CLAIMS_FILE}"
        try:
            parsed, lines = _read(path, label, NotClaimsFile)
            for items in parsed.not_claims.values():  # type: ignore[attr-defined]
                for text in items:
                    key = text.casefold()
                    if key in first_seen:
                        errors.append(CorpusError(label, f"message is also an utterance of {first_seen[key]}: "
                                                  f"{text[:60]!r}", lines.get(text)))
                        continue
                    first_seen[key] = NOT_CLAIMS_FILE
                    not_claims.append(text)
        except CorpusError as exc:
            errors.append(exc)
    if folder.is_dir():
        for arg_id, topic in arguments.items():
            have = len(found.get(arg_id, ()))
            if have < MIN_UTTERANCES:
                errors.append(CorpusError(f"{corpus_dir.name}/{UTTERANCES_DIR}/{topic}.yaml",
                                          f"{have} utterances; each argument needs at least {MIN_UTTERANCES}",
                                          argument_id=arg_id))
    return ChatData({k: tuple(v) for k, v in found.items()}, tuple(not_claims), sides), errors
