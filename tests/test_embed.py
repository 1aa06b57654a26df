"""The sentence-embedding layer: the bundled model, batching, the words-only fallback, the cache, pickling."""
from __future__ import annotations

import json
import logging
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.match.embed import (DEFAULT_MODEL_DIR, MODEL_FILE, TOKENIZER_FILE, Embedder, EmbeddingUnavailable,
                             cached_encode, load_embedder, model_fingerprint)
from bot.settings import Settings

LONG = " ".join(["open weights are good for research because anyone can audit them"] * 40)  # > 256 tokens
RANT = " ".join(["open weights are good for research because anyone can audit them"] * 6)
MIXED = ["lol", "open source ai is dangerous", "", RANT, "zuck only open sourced llama to commoditize his complements",
         "ok", "the llama licence is not open source: the 700M monthly users clause says so", "lol", "   ",
         "closed models are safer because nobody can strip the guardrails off an API"]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder.load(DEFAULT_MODEL_DIR)


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.match.embed" and r.levelno >= logging.WARNING]


def test_bundled_model_encodes_normalised_vectors_and_zero_rows_for_blank_text(embedder: Embedder) -> None:
    vectors = embedder.encode(["open source ai is dangerous", "", " \n"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384) and embedder.dim == 384
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-5
    assert not vectors[1:].any()
    assert embedder.encode([]).shape == (0, 384)
    assert embedder.fingerprint == model_fingerprint(DEFAULT_MODEL_DIR) and len(embedder.fingerprint) == 16


def test_a_paraphrase_is_nearer_than_an_unrelated_message(embedder: Embedder) -> None:
    claim, paraphrase, unrelated = embedder.encode([
        "releasing model weights lets terrorists build bioweapons",
        "open models could help bad actors make biological weapons",
        "my cat knocked the coffee mug off my desk again"])
    assert claim @ paraphrase > claim @ unrelated + 0.2


def test_batches_equal_one_by_one_and_keep_input_order(embedder: Embedder) -> None:
    single = np.stack([embedder.encode([text])[0] for text in MIXED])
    for batch_size in (3, 32):
        np.testing.assert_allclose(embedder.encode(MIXED, batch_size=batch_size), single, atol=1e-5)
    reversed_rows = embedder.encode(MIXED[::-1])
    np.testing.assert_allclose(reversed_rows[::-1], single, atol=1e-5)
    assert single[0] @ single[7] > 0.9999 and single[0] @ single[1] < 0.9  # "lol" twice; distinct texts differ


def test_the_committed_tokenizer_does_not_pad_and_truncates_at_256() -> None:
    from tokenizers import Tokenizer

    config = json.loads((DEFAULT_MODEL_DIR / TOKENIZER_FILE).read_text(encoding="utf-8"))
    assert config["padding"] is None and config["truncation"]["max_length"] == 256
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL_DIR / TOKENIZER_FILE))
    short, medium, long = tokenizer.encode_batch(["ok", "a much longer message about open weights", LONG])
    assert len(short.ids) < len(medium.ids) < len(long.ids) == 256


def test_a_corrupt_model_or_a_missing_folder_is_unavailable(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copyfile(DEFAULT_MODEL_DIR / TOKENIZER_FILE, broken / TOKENIZER_FILE)
    (broken / MODEL_FILE).write_bytes(b"\x08\x07 this is not an onnx model" * 100)
    with pytest.raises(EmbeddingUnavailable, match="does not load"):
        Embedder.load(broken)
    with pytest.raises(EmbeddingUnavailable, match="not found"):
        Embedder.load(tmp_path / "nowhere")
    (broken / TOKENIZER_FILE).unlink()
    with pytest.raises(EmbeddingUnavailable, match="has no tokenizer.json"):
        Embedder.load(broken)


def test_load_embedder_falls_back_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copyfile(DEFAULT_MODEL_DIR / TOKENIZER_FILE, broken / TOKENIZER_FILE)
    (broken / MODEL_FILE).write_bytes(b"garbage")
    caplog.set_level(logging.INFO, logger="bot.match.embed")
    assert load_embedder(_settings(embed_model_dir=broken)) is None
    warnings = _warnings(caplog)
    assert len(warnings) == 1
    assert warnings[0].startswith("semantic matching off: ") and warnings[0].endswith("; matching on words only")
    assert str(broken / MODEL_FILE) in warnings[0]


def test_missing_runtime_is_unavailable(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # what `import onnxruntime` does when it is not installed
    with pytest.raises(EmbeddingUnavailable, match="onnxruntime is not installed"):
        Embedder.load(DEFAULT_MODEL_DIR)
    caplog.set_level(logging.WARNING, logger="bot.match.embed")
    assert load_embedder(_settings()) is None and len(_warnings(caplog)) == 1


def test_embeddings_off_loads_nothing_and_warns_nothing(monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("EMBEDDINGS", "off")
    monkeypatch.setenv("EMBED_MODEL_DIR", "/nowhere/at/all")
    settings = _settings()
    assert settings.embeddings == "off" and settings.embed_model_dir == Path("/nowhere/at/all")
    caplog.set_level(logging.WARNING, logger="bot.match.embed")
    assert load_embedder(settings) is None
    assert _warnings(caplog) == []


def test_default_settings_load_the_bundled_model() -> None:
    settings = _settings()
    assert settings.embeddings == "on" and settings.embed_model_dir is None and settings.embed_threads == 1
    loaded = load_embedder(settings)
    assert loaded is not None and loaded.model_dir == DEFAULT_MODEL_DIR


def test_cache_is_reused_and_a_damaged_file_rebuilt(embedder: Embedder, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    texts = ["open weights are a gift to rivals", "training data stays secret", "lol"]
    expected = embedder.encode(texts)
    first = cached_encode(embedder, texts, tmp_path / "cache")
    np.testing.assert_allclose(first, expected, atol=1e-6)
    [path] = list((tmp_path / "cache").glob("emb-*.npy"))
    marker = np.full_like(expected, 0.5)
    np.save(path, marker)  # a reused file is returned as it is, not recomputed
    np.testing.assert_array_equal(cached_encode(embedder, texts, tmp_path / "cache"), marker)
    path.write_bytes(b"\x93NUMPY damaged")
    caplog.set_level(logging.WARNING, logger="bot.match.embed")
    np.testing.assert_allclose(cached_encode(embedder, texts, tmp_path / "cache"), expected, atol=1e-6)
    assert len(_warnings(caplog)) == 1 and "rebuilding" in _warnings(caplog)[0]
    np.testing.assert_allclose(np.load(path), expected, atol=1e-6)
    cached_encode(embedder, texts[:2], tmp_path / "cache")  # other texts, another file
    assert len(list((tmp_path / "cache").glob("emb-*.npy"))) == 2
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_pickling_stores_the_folder_and_reloads_on_first_use(embedder: Embedder) -> None:
    data = pickle.dumps(embedder)
    assert len(data) < 1000
    copy = pickle.loads(data)
    assert copy._session is None and copy.fingerprint == embedder.fingerprint and copy.dim == 384
    np.testing.assert_allclose(copy.encode(MIXED[:4]), embedder.encode(MIXED[:4]), atol=1e-6)


def test_a_pickled_embedder_refuses_a_model_that_changed(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    data = pickle.dumps(Embedder.load(folder))
    config = json.loads((folder / TOKENIZER_FILE).read_text(encoding="utf-8"))
    (folder / TOKENIZER_FILE).write_text(json.dumps(config, indent=1), encoding="utf-8")  # same tokenizer, new bytes
    with pytest.raises(EmbeddingUnavailable, match="changed"):
        pickle.loads(data).encode(["hello"])
