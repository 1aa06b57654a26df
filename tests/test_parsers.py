"""Parsers on the real source documents, the sentence splitter, and clear errors on broken input."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import CorpusError
from bot.ingest.markup import m_ss
from bot.ingest.parse import parse_source, parse_text
from bot.ingest.sentences import split_sentences
from bot.ingest.sources import load_sources
from bot.ingest.types import Passage, Source
from bot.textnorm import find_run, strip_markup, tokens

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return {s.id: s for s in load_sources(CORPUS)}


@pytest.fixture(scope="module")
def passages(sources: dict[str, Source]) -> dict[str, list[Passage]]:
    return {sid: parse_source(source, CORPUS) for sid, source in sources.items()}


def find(passages: list[Passage], start: str) -> Passage:
    hits = [p for p in passages if p.text.startswith(start)]
    assert len(hits) == 1, f"{len(hits)} passages start with {start!r}"
    return hits[0]


def test_sources_yaml_describes_the_five_documents(sources: dict[str, Source]) -> None:
    assert sorted(sources) == ["000", "001", "002", "003", "004"]
    assert sources["003"].speaker_labels == {"Tom": "Thomas Krendl Gilbert", "Nathan": "Nathan Lambert"}
    assert sources["002"].url == "https://www.youtube.com/watch?v=oX7OduG1YmI"
    assert sources["001"].reworded and not any(sources[i].reworded for i in ("000", "002", "003", "004"))
    assert [sources[i].url for i in ("000", "001", "003", "004")] == [None] * 4
    for source in sources.values():
        assert (CORPUS / source.file).is_file()


def test_every_source_yields_indexed_passages(passages: dict[str, list[Passage]]) -> None:
    for sid, found in passages.items():
        assert len(found) >= 10, sid
        assert [p.index for p in found] == list(range(len(found)))
        assert all(p.source_id == sid and p.text.strip() == p.text and p.text for p in found)


def test_podcast_sentence_has_speaker_and_minute_marker(passages: dict[str, list[Passage]]) -> None:
    p = find(passages["003"], "They're very pro open source because they want things to go faster")
    assert p.speaker == "Nathan Lambert"
    assert p.locator == "~00:08:00"
    assert p.line == 29
    # A marker inside a sentence is removed; the sentence keeps the marker before its start.
    inside = find(passages["003"], "There's a whole community making fun of EA called like the effective")
    assert inside.locator == "~00:07:00" and "[00:" not in inside.text
    tom = find(passages["003"], "Right. So for me, I'm inclined to say no")
    assert tom.speaker == "Thomas Krendl Gilbert" and tom.locator == "~00:05:00"


def test_podcast_header_and_unlabelled_lines(passages: dict[str, list[Passage]]) -> None:
    texts = " ".join(p.text for p in passages["003"])
    assert "Distilling the major events" not in texts and "Episode 4_transcript" not in texts
    # Line 5 has no label: it continues Nathan's turn from line 4.
    assert find(passages["003"], "You have to explain before we begin.").speaker == "Nathan Lambert"
    assert {p.speaker for p in passages["003"]} == {"Thomas Krendl Gilbert", "Nathan Lambert"}


def test_whisper_sentence_spanning_segments_is_whole(passages: dict[str, list[Passage]]) -> None:
    text = ("And there was a podcast that I was on a while back where I kind of articulated my stance on open "
            "source versus closed source, and right now, my position is whatever policy maximizes research "
            "potential is the best option forward.")
    p = find(passages["000"], "And there was a podcast")
    assert p.text == text
    assert p.locator == "0:20" and p.line == 7 and p.speaker is None
    assert m_ss(95.56) == "1:35"
    assert find(passages["000"], "But the biggest thing is").locator == "1:30"


def test_whisper_short_fragments_are_merged(passages: dict[str, list[Passage]]) -> None:
    assert find(passages["000"], "So, again, 3.1, is it dangerous?").text == "So, again, 3.1, is it dangerous? Probably not."
    assert not any(p.text in ("But.", "Probably not.", "Because...") for p in passages["000"])


def test_promo_and_sign_off_are_excluded(passages: dict[str, list[Passage]]) -> None:
    promo = " ".join(p.text for p in passages["000"])
    assert "new community" not in promo and "New Era" not in promo and "Zoom" not in promo
    assert passages["000"][-1].text.endswith("That's my hot take.")
    signoff = " ".join(p.text for p in passages["004"])
    for words in ("For more insights", "Follow us", "Connect with me"):
        assert words not in signoff


def test_wiki_sentence_gets_stamp_and_link(passages: dict[str, list[Passage]]) -> None:
    p = find(passages["002"], "This is because when software is open source")
    assert p.text == "This is because when software is open source, more people can scrutinize all parts of the system."
    assert p.locator == "00:42:14"
    assert p.url == "https://www.youtube.com/watch?v=oX7OduG1YmI&t=2534s"
    alias = find(passages["002"], "Open source in the context of AI development")
    assert alias.locator == "00:41:05" and alias.url.endswith("&t=2465s")
    texts = " ".join(p.text for p in passages["002"])
    assert "cleoabram" not in texts and "A Vision for Diverse AI Systems" not in texts


def _stamped_tokens(raw: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Tokens of a wiki file and (token position, seconds) of each stamp in it."""
    stamp = re.compile(r"<a [^>]*data-t=\"(\d\d):(\d\d):(\d\d)\"[^>]*>.*?</a>|\[(\d\d):(\d\d):(\d\d)\]")
    toks: list[str] = []
    stamps: list[tuple[int, int]] = []
    pos = 0
    for m in stamp.finditer(raw):
        toks += tokens(raw[pos:m.start()])
        h, mi, s = (int(g) for g in m.groups() if g is not None)
        stamps.append((len(toks), h * 3600 + mi * 60 + s))
        pos = m.end()
    toks += tokens(raw[pos:])
    return toks, stamps


def test_wiki_links_are_within_a_minute_of_the_nearest_stamp(sources: dict[str, Source],
                                                             passages: dict[str, list[Passage]]) -> None:
    hay, stamps = _stamped_tokens((CORPUS / sources["002"].file).read_text(encoding="utf-8"))
    for p in passages["002"]:
        needle = tokens(p.text)
        start = find_run(hay, needle)
        assert start >= 0, p.text
        end = start + len(needle)
        def distance(pos: int) -> int:
            return 0 if start <= pos <= end else min(abs(pos - start), abs(pos - end))
        best = min(distance(pos) for pos, _ in stamps)
        nearest = [sec for pos, sec in stamps if distance(pos) == best]  # ties: a stamp before and one inside
        linked = int(re.search(r"[?&]t=(\d+)s", p.url or "").group(1))
        assert any(abs(linked - sec) <= 60 for sec in nearest), (p.text, linked, nearest)


def test_article_sentence_is_restored_and_keeps_original(passages: dict[str, list[Passage]]) -> None:
    p = find(passages["001"], "So I would expect that we will continue to produce")
    assert p.text == "So I would expect that we will continue to produce and share leading open source models."
    assert p.original_text == "So I would expect that we will proceed to nutrient and stock starring unfastened root models."
    assert p.verbatim == p.original_text and p.restored
    assert p.locator == "¶4" and p.speaker == "Mark Zuckerberg" and p.line == 11


def test_article_paragraphs_and_attribution(passages: dict[str, list[Passage]]) -> None:
    found = passages["001"]
    # The headline is its own passage; body paragraphs are numbered as a reader counts them.
    assert found[0].locator == "headline" and found[0].text == "Is Mark Zuckerberg Flip Flopping On Open Source Ai?"
    assert found[1].locator == "¶1" and found[1].text.startswith("Earlier today, Mark Zuckerberg shared")
    assert found[-1].locator == "¶9"
    assert not any("Trending" in p.text or p.text == "More" for p in found)
    # Narration has no speaker; the memo quoted in the same paragraph does.
    assert find(found, "He also argued that open source is safer.").speaker is None
    assert find(found, '"There is an ongoing debate about the safety').speaker == "Mark Zuckerberg"
    assert find(found, "As long as everyone has access").speaker == "Mark Zuckerberg"
    assert find(found, "Earlier today").speaker is None
    assert find(found, '"People often ask if I’m worried').speaker == "Mark Zuckerberg"


def test_listicle_items_and_conclusion(passages: dict[str, list[Passage]]) -> None:
    found = passages["004"]
    p = find(found, "Open-source AI offers benefits such as transparency")
    assert p.text == "Open-source AI offers benefits such as transparency, security, and collaboration."
    assert p.locator == "item 4: Advantages of Open Source" and p.line == 12
    assert find(found, "Community scrutiny can enhance").locator == "item 4: Advantages of Open Source"
    assert find(found, "Zuckerberg’s discussion highlights").locator == "conclusion"
    assert len([q for q in found if q.locator and q.locator.startswith("item ")]) == 20
    assert not any(q.text.startswith("Valuable Insights") for q in found)


def test_no_markup_leaks_into_any_passage(passages: dict[str, list[Passage]]) -> None:
    for found in passages.values():
        for p in found:
            for text in filter(None, (p.text, p.original_text)):
                assert strip_markup(text) == text, text
                for mark in ("[00:", "[[", "]]", "<a", "</a>", "<br", "->", "- Key Point:", "- Insight:", "Key Point:"):
                    assert mark not in text, (mark, text)
                assert not re.search(r"\[\d+(\.\d+)?s", text), text


def test_every_passage_is_verbatim_in_its_file(sources: dict[str, Source],
                                               passages: dict[str, list[Passage]]) -> None:
    for sid, found in passages.items():
        raw = (CORPUS / sources[sid].file).read_text(encoding="utf-8")
        hay = tokens(raw)
        lines = raw.split("\n")
        cursor = 0
        for p in found:
            needle = tokens(p.verbatim)
            pos = find_run(hay, needle, cursor)
            assert pos >= 0, (sid, p.index, p.verbatim)
            cursor = pos + len(needle)  # passages are in file order and do not overlap
            assert needle[0] in tokens(lines[p.line - 1]), (sid, p.line, p.verbatim)


def test_sentence_splitter_handles_abbreviations_numbers_and_quotes() -> None:
    text = ('Mr. Smith met Dr. Jones in the U.S. last week. Llama 3.1 is out, e.g. on GitHub today. '
            'He said "it is great." Then he left... Nobody knew why! Did anyone care about it? They did not at all.')
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones in the U.S. last week.",
        "Llama 3.1 is out, e.g. on GitHub today.",
        'He said "it is great."',
        "Then he left... Nobody knew why!",
        "Did anyone care about it?",
        "They did not at all.",
    ]


def test_sentence_splitter_splits_run_ons_and_merges_fragments() -> None:
    clause = "the model was released to everyone who wanted it for research and for building products"
    long = f"First {clause}, and then {clause}, and later {clause}, and finally {clause} again today."
    pieces = split_sentences(long)
    assert len(pieces) >= 2 and " ".join(pieces) == long
    assert all(len(p.split()) <= 60 for p in pieces)
    assert split_sentences("Is it dangerous? Probably not. But. We should study it anyway.") == [
        "Is it dangerous? Probably not.", "But. We should study it anyway."]


def _doc(tmp_path: Path, name: str, content: str | bytes, fmt: str, **extra: object) -> tuple[Source, Path]:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return Source(id="900", title="t", kind="document", file=name, format=fmt, **extra), tmp_path  # type: ignore[arg-type]


@pytest.mark.parametrize("name,content,fmt,line,words", [
    ("w.txt", "Transcript:\n\n[0.00s -> 5.00s]  Fine words here.\n[5.00s -> 7.0Xs]  Broken stamp.\n", "whisper", 4,
     "malformed segment"),
    ("p.txt", "A header line.\n\nJust talk without any turn labels at all.\n", "podcast", 1, "no speaker turn"),
    ("k.md", "---\ntitle: x\nvideoId: abc\n\nNever closed front matter.\n", "wiki", 1, "unterminated front matter"),
    ("f.md", "---\ntitle: [x\n---\nBody text here is fine.\n", "wiki", 2, "YAML error"),
    ("l.txt", "Title\n- Key Point: a bullet before any item is an error here.\n", "listicle", 2, "bullet before"),
])
def test_broken_inputs_name_file_and_line(tmp_path: Path, name: str, content: str, fmt: str, line: int,
                                          words: str) -> None:
    source, root = _doc(tmp_path, name, content, fmt,
                        speaker_labels={"Tom": "Tom T."} if fmt == "podcast" else {})
    with pytest.raises(CorpusError) as err:
        parse_source(source, root)
    assert err.value.file == name and err.value.line == line and words in err.value.message
    assert f"{name}:{line}" in str(err.value)


def test_non_utf8_bytes_name_the_line(tmp_path: Path) -> None:
    source, root = _doc(tmp_path, "bad.txt", b"Good first line here.\n\nCaf\xe9 on line three.\n", "plain")
    with pytest.raises(CorpusError) as err:
        parse_source(source, root)
    assert err.value.file == "bad.txt" and err.value.line == 3 and "UTF-8" in err.value.message


def test_missing_exclude_marker_is_an_error(tmp_path: Path) -> None:
    source, root = _doc(tmp_path, "x.txt", "A paragraph of plain text here.\n", "plain", exclude_from="Subscribe now")
    with pytest.raises(CorpusError, match="exclude_from marker"):
        parse_source(source, root)


def test_plain_parser_reduces_markdown(tmp_path: Path) -> None:
    text = ("# Why open weights matter\n\nOpen **weights** let [researchers](https://example.org) audit models. "
            "They can *find* bugs.\n\n- Closed models hide `training data` from everyone.\n\nMore\n\n"
            "Final paragraph with enough words to quote.\n")
    source = Source(id="900", title="t", kind="document", file="x.md", format="plain")
    found = parse_text(text, source, "x.md")
    assert [(p.locator, p.text, p.line) for p in found] == [
        ("¶1", "Open weights let researchers audit models.", 3),
        ("¶1", "They can find bugs.", 3),
        ("¶2", "Closed models hide training data from everyone.", 5),
        ("¶3", "Final paragraph with enough words to quote.", 9),
    ]


def _write_sources(tmp_path: Path, body: str) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "sources").mkdir(parents=True)
    (corpus / "sources" / "a.txt").write_text("Some text.\n", encoding="utf-8")
    (corpus / "sources.yaml").write_text(body, encoding="utf-8")
    return corpus


GOOD_ENTRY = ('  - id: "100"\n    title: A\n    kind: article\n    file: sources/a.txt\n'
              '    format: plain\n')


@pytest.mark.parametrize("body,line,words", [
    ("sources:\n" + GOOD_ENTRY + "  - id: \"101\"\n    title: a: b\n    kind: x\n", 8, "YAML error"),
    ("sources:\n" + GOOD_ENTRY + '  - id: "101"\n    kind: article\n    file: sources/a.txt\n'
     "    format: plain\n", 7, "missing required field 'title'"),
    ("sources:\n" + GOOD_ENTRY.replace("format: plain", "format: docx"), 6, "unknown format 'docx'"),
    ("sources:\n" + GOOD_ENTRY + GOOD_ENTRY, 7, "duplicate id"),
    ("sources:\n" + GOOD_ENTRY.replace("a.txt", "missing.txt"), 5, "not found"),
    ("sources:\n" + GOOD_ENTRY + "    colour: blue\n", 7, "unknown field 'colour'"),
    ("sources:\n" + GOOD_ENTRY.replace('"100"', "100"), 2, "must be a non-empty string"),
])
def test_broken_sources_yaml_names_file_and_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    corpus = _write_sources(tmp_path, body)
    with pytest.raises(CorpusError) as err:
        load_sources(corpus)
    assert err.value.file == "corpus/sources.yaml"
    assert err.value.line == line and words in err.value.message


def test_valid_sources_yaml_loads(tmp_path: Path) -> None:
    corpus = _write_sources(tmp_path, "sources:\n" + GOOD_ENTRY)
    [source] = load_sources(corpus)
    assert (source.id, source.format, source.file) == ("100", "plain", "sources/a.txt")
    assert parse_source(source, corpus)[0].text == "Some text."
