"""Detection of machine-reworded text and its restoration from the reviewed table."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import CorpusError
from bot.ingest.parse import parse_source
from bot.ingest.restore import Restorer, looks_reworded
from bot.ingest.sources import load_sources
from bot.textnorm import tokens

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SWAPPED = {"nan", "beryllium", "unfastened", "astir", "deliberation", "successful", "pinch", "arsenic",
           "conscionable", "aliases", "benignant", "mightiness", "erstwhile", "immoderate", "truthful",
           "institution", "location", "galore", "america", "agone", "twelvemonth", "astatine", "entree"}


@pytest.fixture(scope="module")
def restorer() -> Restorer:
    return Restorer.from_file(CORPUS / "restoration.yaml")


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {s.id: (CORPUS / s.file).read_text(encoding="utf-8") for s in load_sources(CORPUS)}


def test_looks_reworded_flags_only_the_spun_article(texts: dict[str, str], restorer: Restorer) -> None:
    assert looks_reworded(texts["001"])
    for sid in ("000", "002", "003", "004"):
        assert not looks_reworded(texts[sid]), sid
    assert not looks_reworded(restorer.restore(texts["001"]))
    assert not looks_reworded("The nan values in the table were successful a few times.")


def test_restored_article_has_no_swapped_words_left(texts: dict[str, str], restorer: Restorer) -> None:
    restored = restorer.restore(texts["001"])
    assert not SWAPPED & set(tokens(restored))
    assert "open source central to Meta's AI strategy" in restored
    assert "we're getting models that are so large that they're just not practical for a lot of other people" \
           in restored
    assert "open sourcing any given model isn’t giving away a massive advantage over the next best models" \
           in restored


def test_multi_word_entries_win_and_context_decides(restorer: Restorer) -> None:
    assert restorer.restore("who erstwhile said it") == "who once said it"
    assert restorer.restore("what he said erstwhile asked") == "what he said when asked"
    assert restorer.restore("a batch of different group to use") == "a lot of other people to use"
    assert restorer.restore("a full different group of information concerns") == "a whole different set of safety concerns"
    assert restorer.restore("We've ever unfastened originated immoderate of our models") == \
        "We've always open sourced some of our models"
    assert restorer.restore("unfastened sourcing immoderate fixed exemplary") == "open sourcing any given model"


def test_case_boundaries_and_apostrophes(restorer: Restorer) -> None:
    assert restorer.restore("Nan memo") == "The memo"
    assert restorer.restore("NAN MEMO") == "THE MEMO"
    assert restorer.restore("nanny unsuccessful pinched nan.") == "nanny unsuccessful pinched the."
    assert restorer.restore("We’ve ever said it isn’t so") == "We’ve always said it isn’t so"
    assert restorer.restore("“People often inquire”") == "“People often ask”"


def test_restoration_is_one_pass() -> None:
    swap = Restorer.from_pairs({"past": "then", "then": "past", "a b": "x"})
    assert swap.restore("past then a b") == "then past x"
    assert Restorer.from_pairs({}).restore("unchanged") == "unchanged"


def test_only_reworded_sources_are_restored() -> None:
    for source in load_sources(CORPUS):
        found = parse_source(source, CORPUS)
        if source.id == "001":
            body = [p for p in found if p.locator != "headline"]
            assert all(p.original_text is not None and p.original_text != p.text for p in body)
            assert found[0].locator == "headline" and found[0].original_text is None  # nothing swapped in it
        else:
            assert all(p.original_text is None for p in found), source.id


def test_restorer_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "restoration.yaml"
    bad.write_text("phrases:\n  nan: the\n  beryllium: [be\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        Restorer.from_file(bad, "restoration.yaml")
    assert err.value.file == "restoration.yaml" and err.value.line == 4
    bad.write_text("phrases:\n  nan: the\n  pinch: with\n  nan: a\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        Restorer.from_file(bad, "restoration.yaml")
    assert err.value.line == 4 and "twice" in err.value.message
    bad.write_text("- nan\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="phrases"):
        Restorer.from_file(bad)
