"""Sentence embeddings on CPU: an ONNX MiniLM run by onnxruntime and tokenised by tokenizers, with a file cache."""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.paths import BUNDLED_MODELS_DIR

log = logging.getLogger(__name__)
DEFAULT_MODEL_DIR = BUNDLED_MODELS_DIR / "minilm-l6-counterpoint-int8"
MODEL_FILE, TOKENIZER_FILE = "model.onnx", "tokenizer.json"
MAX_TOKENS = 256  # the model's max_seq_length; also keeps any text inside its 512 positions
CACHE_FILES_KEPT = 8
BATCH_TOKENS = 256  # padded tokens per batch: ~10% less CPU than 512 on chat lines and passages (same vectors)


class EmbeddingUnavailable(Exception):
    """The embedding model cannot be used; the message says why, in words for one log line."""


def model_fingerprint(model_dir: Path) -> str:
    """sha256 of model.onnx + tokenizer.json (first 16 hex), without loading anything: for cache keys."""
    digest = hashlib.sha256()
    for name in (MODEL_FILE, TOKENIZER_FILE):
        try:
            with (Path(model_dir) / name).open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except OSError as exc:
            raise EmbeddingUnavailable(f"cannot read {Path(model_dir) / name} ({exc.strerror or exc})") from None
    return digest.hexdigest()[:16]


class Embedder:
    """A loaded sentence-embedding model; pickles as its folder and reloads on first use."""

    def __init__(self, model_dir: Path, threads: int, fingerprint: str) -> None:
        self.model_dir = Path(model_dir)
        self.threads = max(1, int(threads))
        self.fingerprint = fingerprint
        self.dim = 0
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: tuple[str, ...] = ()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path, threads: int = 1) -> Embedder:
        """The model in `model_dir` (model.onnx + tokenizer.json), checked with one probe sentence."""
        (embedder := cls(Path(model_dir), threads, ""))._open()
        return embedder

    def _open(self) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbeddingUnavailable(f"{exc.name or 'onnxruntime/tokenizers'} is not installed") from None
        folder = self.model_dir
        if not folder.is_dir():
            raise EmbeddingUnavailable(f"model folder {folder} not found")
        if missing := [name for name in (MODEL_FILE, TOKENIZER_FILE) if not (folder / name).is_file()]:
            raise EmbeddingUnavailable(f"{folder} has no {missing[0]}")
        fingerprint = model_fingerprint(folder)
        if self.fingerprint and fingerprint != self.fingerprint:
            raise EmbeddingUnavailable(f"the model in {folder} changed since it was cached")
        try:
            tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        except Exception as exc:
            raise EmbeddingUnavailable(f"{folder / TOKENIZER_FILE} is unreadable ({_first_line(exc)})") from None
        tokenizer.no_padding()  # each batch is padded here, to its own longest member
        if tokenizer.truncation is None or tokenizer.truncation.get("max_length", MAX_TOKENS) > MAX_TOKENS:
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = self.threads, 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # onnxruntime's own warnings would go to stderr unasked
        try:
            session = ort.InferenceSession(str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise EmbeddingUnavailable(f"{folder / MODEL_FILE} does not load ({_first_line(exc)})") from None
        inputs = tuple(i.name for i in session.get_inputs())  # a missing input_ids/attention_mask fails the probe
        self._session, self._tokenizer, self._inputs, self.fingerprint = session, tokenizer, inputs, fingerprint
        try:
            probe = self._run([tokenizer.encode("probe sentence")])
            if probe.ndim != 2 or probe.shape[1] == 0 or not np.isfinite(probe).all():
                raise ValueError(f"no usable embedding, shape {probe.shape}")
        except Exception as exc:
            self._session = None
            raise EmbeddingUnavailable(f"{folder / MODEL_FILE} fails on a probe sentence ({_first_line(exc)})") from None
        self.dim = int(probe.shape[1])

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """float32 (len(texts), dim), L2-normalised mean-pooled embeddings in input order; blank texts give
        zero rows. Texts are sorted by length so each batch (at most `batch_size` texts and BATCH_TOKENS
        padded tokens) pads only to its own longest member."""
        if self._session is None:  # unpickled: load on first use, once
            with self._lock:
                if self._session is None:
                    self._open()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        live = [i for i, text in enumerate(texts) if text and not text.isspace()]
        if not live:
            return out
        encodings = self._tokenizer.encode_batch([texts[i] for i in live])
        order = sorted(range(len(live)), key=lambda k: len(encodings[k].ids))
        chunk: list[int] = []
        for k in order:  # ascending lengths: the text joining a batch is its longest
            if chunk and (len(chunk) >= batch_size or (len(chunk) + 1) * len(encodings[k].ids) > BATCH_TOKENS):
                out[[live[j] for j in chunk]] = self._run([encodings[j] for j in chunk])
                chunk = []
            chunk.append(k)
        out[[live[j] for j in chunk]] = self._run([encodings[j] for j in chunk])
        return out

    def _run(self, encodings: list[Any]) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of one batch of encodings, padded to the longest."""
        width = max(len(e.ids) for e in encodings)
        arrays = {name: np.zeros((len(encodings), width), dtype=np.int64)
                  for name in ("input_ids", "attention_mask", "token_type_ids")}
        for row, enc in enumerate(encodings):
            for name, values in (("input_ids", enc.ids), ("attention_mask", enc.attention_mask),
                                 ("token_type_ids", enc.type_ids)):
                arrays[name][row, :len(values)] = values
        hidden = self._session.run(None, {name: arrays[name] for name in self._inputs})[0]
        mask = arrays["attention_mask"][:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def __getstate__(self) -> dict[str, Any]:  # the folder, not the session: reloaded on first use
        return {"model_dir": str(self.model_dir), "threads": self.threads, "fingerprint": self.fingerprint, "dim": self.dim}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(Path(state["model_dir"]), state["threads"], state["fingerprint"])
        self.dim = state["dim"]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def load_embedder(settings: Any) -> Embedder | None:
    """The embedder the settings ask for, or None (with one warning line when it was wanted but failed)."""
    if getattr(settings, "embeddings", "on") == "off":
        log.info("semantic matching off by EMBEDDINGS=off; matching on words only")
        return None
    model_dir = Path(getattr(settings, "embed_model_dir", None) or DEFAULT_MODEL_DIR)
    try:
        return Embedder.load(model_dir, getattr(settings, "embed_threads", 1))
    except EmbeddingUnavailable as exc:
        log.warning("semantic matching off: %s; matching on words only", exc)
        return None


def cached_encode(embedder: Embedder, texts: Sequence[str], cache_dir: Path) -> np.ndarray:
    """`embedder.encode(texts)`, kept in `cache_dir/emb-<hash>.npy` keyed by the model and the texts;
    an unreadable or damaged file is rebuilt, and failing to write one is only a warning."""
    digest = hashlib.sha256(embedder.fingerprint.encode())
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)
    path = Path(cache_dir) / f"emb-{digest.hexdigest()[:24]}.npy"
    try:
        found = np.load(path, allow_pickle=False)
        if found.dtype == np.float32 and found.shape == (len(texts), embedder.dim or found.shape[1]):
            os.utime(path)  # most recently used: kept by the pruning below
            return found
        log.warning("embedding cache %s has the wrong shape; rebuilding", path)
    except FileNotFoundError:
        pass
    except Exception as exc:
        log.warning("embedding cache %s unreadable (%s); rebuilding", path, _first_line(exc))
    vectors = embedder.encode(texts)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            np.save(fh, vectors, allow_pickle=False)
        tmp.replace(path)
    except OSError as exc:  # caching is an optimisation; failing to cache is not an error
        log.warning("could not write embedding cache %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
        return vectors
    try:  # keep the most recently used files only (another process may be pruning too)
        kept = sorted(path.parent.glob("emb-*.npy"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_FILES_KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    return vectors
