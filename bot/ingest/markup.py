"""Markup shared by the parsers: inline markdown/wiki/html removal, timestamps, blocks, video links."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

from bot.ingest.sentences import word_count

CLOCK = re.compile(r"\[(\d{1,2}):(\d{2})(?::(\d{2}))?\]")  # [00:41:05] or [41:05]
YT_ANCHOR = re.compile(r"<a\b[^>]*\bdata-t=\"(\d{1,2}:\d{2}(?::\d{2})?)\"[^>]*>.*?</a>", re.DOTALL)
_INLINE = [
    (re.compile(r"\[\[([^\]|]*)\|([^\]]*)\]\]"), r"\2"),  # [[target | alias]] -> alias
    (re.compile(r"\[\[([^\]]*)\]\]"), r"\1"),  # [[target]] -> target
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # ![alt](src) -> alt
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # any other html tag
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **bold**
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *italic*
    (re.compile(r"`([^`]*)`"), r"\1"),  # `code`
]
HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_FINAL = re.compile(r"[.!?…\"”’')\]]\s*$")
CHROME_MAX_WORDS = 6


def strip_inline(text: str) -> str:
    """Reduce inline markdown, wiki links and html to their visible text."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def clock_seconds(clock: str) -> int:
    """'00:41:05' or '41:05' -> seconds."""
    parts = [int(p) for p in clock.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def hms(seconds: float) -> str:
    """Seconds -> 'hh:mm:ss'."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def m_ss(seconds: float) -> str:
    """Seconds -> 'm:ss' (or 'h:mm:ss' past an hour), rounded down: 95.56 -> '1:35'."""
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def video_url(base: str | None, seconds: float | None) -> str | None:
    """A YouTube link to `seconds` into the video at `base`; other links are returned unchanged."""
    if not base or seconds is None:
        return base
    parsed = urlparse(base)
    host = parsed.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host not in ("youtube.com", "youtu.be"):
        return base
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items() if k != "t"}
    query["t"] = f"{int(seconds)}s"
    return urlunparse(parsed._replace(query=urlencode(query, safe=":/")))


def youtube_watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def is_chrome(text: str) -> bool:
    """A short line without sentence-final punctuation: a dateline, byline, 'More' link or bare
    heading rather than body text ("Trending 1 month ago", "From: cleoabram", "Conclusion")."""
    text = text.strip()
    return bool(text) and word_count(text) <= CHROME_MAX_WORDS and not _FINAL.search(text)


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive non-blank lines of a file (a paragraph), with the 1-based line of each."""

    lines: tuple[tuple[int, str], ...]

    @property
    def first_line(self) -> int:
        return self.lines[0][0]

    @property
    def text(self) -> str:
        return " ".join(line for _, line in self.lines)


def blocks(text: str, first_line: int = 1, *, headings_split: bool = True) -> list[Block]:
    """Paragraphs separated by blank lines; markdown headings are dropped and end a paragraph."""
    found: list[Block] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), first_line):
        if not line.strip() or (headings_split and HEADING.match(line)):
            if current:
                found.append(Block(tuple(current)))
                current = []
            continue
        current.append((number, line))
    if current:
        found.append(Block(tuple(current)))
    return found
