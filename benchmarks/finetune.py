"""Fine-tuning MiniLM for the accurate mode's span scorer, in torch (training only).

benchmarks/train.py --accurate uses this: the encoder (all-MiniLM-L6-v2, the same weights the
run-time numpy encoder in tracker/extract/encoder.py reads) and the span scorer's network are
trained together on whether each candidate span is right. A second head tags each word with its
roles in the article's annotations (ROLES); that loss makes the tuned vectors better for the
scorer (dev slice of the training part, tuned on the rest: log loss 0.201 to 0.195, AUC 0.951 to
0.954), and the run time reads the tagger to propose cues and spans the rules miss. The run time
never imports torch: the tuned layers are exported under their BERT names and read by
tracker.extract.encoder.Encoder, the scorer's network and the tagger as a
tracker.extract.neural.SpanScorer.

Needs `pip install torch==2.13.0` (a CPU build; see the README).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np

import torch
import torch.nn.functional as F
from torch import nn

from tracker.extract.encoder import LAYERS, load_encoder, model_dir, windows
from tracker.extract.neural import ROLES, SpanScorer, token_of_wordpiece

FROZEN = 0  # the embeddings and this many lower layers keep their published weights (2: dev F1 0.704, 0: 0.718)
EPOCHS = 2
LR = 5e-5  # the encoder's; the scorer's network learns at HEAD_LR
HEAD_LR = 1e-3
HIDDEN = 128
_SPANS = {"content": "content", "cue": "cue", "source": "speaker"}  # a role's span in the gold file
ROLE_WEIGHT = 0.5  # the auxiliary tagging loss's weight beside the scorer's
STANDARDIZE_ARTICLES = 40  # articles whose span inputs (pretrained encoder) set the standardization

_BERT = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
         "o": "attention.output.dense", "ln1": "attention.output.LayerNorm", "i": "intermediate.dense",
         "out": "output.dense", "ln2": "output.LayerNorm"}


class Layer(nn.Module):
    def __init__(self, h: int, heads: int, inter: int, eps: float):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(h, eps=eps), nn.LayerNorm(h, eps=eps)
        self.i, self.out = nn.Linear(h, inter), nn.Linear(inter, h)

    def forward(self, x, mask):
        b, n, h = x.shape
        q, k, v = (m(x).view(b, n, self.heads, h // self.heads).transpose(1, 2) for m in (self.q, self.k, self.v))
        c = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).reshape(b, n, h)
        x = self.ln1(x + self.o(c))
        return self.ln2(x + self.out(F.gelu(self.i(x), approximate="tanh")))


class MiniLM(nn.Module):
    """The BERT encoder of all-MiniLM-L6-v2, loaded from the same package as the run time's."""

    def __init__(self):
        super().__init__()
        from safetensors.torch import load_file

        path = model_dir()
        cfg = json.loads((path / "config.json").read_text())
        h, eps = cfg["hidden_size"], cfg["layer_norm_eps"]
        self.word = nn.Embedding(cfg["vocab_size"], h)
        self.pos = nn.Embedding(cfg["max_position_embeddings"], h)
        self.typ = nn.Embedding(cfg["type_vocab_size"], h)
        self.ln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(Layer(h, cfg["num_attention_heads"], cfg["intermediate_size"], eps)
                                    for _ in range(cfg["num_hidden_layers"]))
        w = {k.removeprefix("bert."): v for k, v in load_file(str(path / "model.safetensors")).items()}
        state = {"word.weight": w["embeddings.word_embeddings.weight"],
                 "pos.weight": w["embeddings.position_embeddings.weight"],
                 "typ.weight": w["embeddings.token_type_embeddings.weight"],
                 "ln.weight": w["embeddings.LayerNorm.weight"], "ln.bias": w["embeddings.LayerNorm.bias"]}
        for layer in range(len(self.layers)):
            for mine, bert in _BERT.items():
                for t in ("weight", "bias"):
                    state[f"layers.{layer}.{mine}.{t}"] = w[f"encoder.layer.{layer}.{bert}.{t}"]
        self.load_state_dict(state)

    def forward(self, ids, attention):
        n = ids.shape[1]
        x = self.ln(self.word(ids) + self.pos.weight[:n][None] + self.typ.weight[0])
        mask = attention[:, None, None, :] > 0
        states = []
        for layer in self.layers:
            x = layer(x, mask)
            states.append(x)
        return states

    def exported(self, frozen: int) -> dict:
        """The tuned layers' weights under their BERT names (tracker.extract.encoder reads them)."""
        out = {}
        for layer in range(frozen, len(self.layers)):
            for mine, bert in _BERT.items():
                for t in ("weight", "bias"):
                    p = getattr(self.layers[layer], mine)
                    out[f"encoder.layer.{layer}.{bert}.{t}"] = getattr(p, t).detach().numpy().copy()
        return out


@dataclass
class Item:
    """One training article: its wordpieces, the token each starts in, its candidates (the
    tokens their representation reads, neural.span_indices) with their labels, and each token's
    ROLES in its annotations (0 or 1)."""

    ids: np.ndarray
    lo: int
    hi: int
    token: np.ndarray
    ntok: int
    spans: list
    y: np.ndarray
    roles: np.ndarray


def item(text: str, doc, spans: list, y: np.ndarray, statements=()) -> Item:
    """An Item from a parsed article, its candidates and labels, and its annotated statements
    (dicts with content_start/end, cue_start/end, speaker_start/end, as in the gold file)."""
    ids, offsets = load_encoder().wordpieces(text)
    lo, hi, token = token_of_wordpiece(doc, 0, offsets) if len(doc) and len(offsets) else (0, 0, np.zeros(0, int))
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    roles = np.zeros((len(doc), len(ROLES)), dtype=np.float32)
    for g in statements:
        for role, key in _SPANS.items():
            if g.get(key + "_start") is not None:
                inside = np.flatnonzero((starts >= g[key + "_start"]) & (starts < g[key + "_end"]))
                roles[inside, ROLES.index(role)] = 1
                if role == "content" and len(inside):
                    roles[inside[0], ROLES.index("first")] = roles[inside[-1], ROLES.index("last")] = 1
    return Item(ids, lo, hi, token, len(doc), spans, y.astype(np.float32), roles)


def wordpiece_vectors(model: MiniLM, ids: np.ndarray):
    """Rows of the LAYERS' states for every wordpiece, read in the run time's windows."""
    enc = load_encoder()
    plan = windows(len(ids))
    if not plan:
        return torch.zeros(0, len(LAYERS) * model.word.embedding_dim)
    width = max(e - s for s, e, _, _ in plan) + 2
    batch = torch.zeros(len(plan), width, dtype=torch.long)
    attention = torch.zeros(len(plan), width, dtype=torch.long)
    for k, (s, e, _, _) in enumerate(plan):
        batch[k, :e - s + 2] = torch.tensor([enc.cls, *ids[s:e].tolist(), enc.sep])
        attention[k, :e - s + 2] = 1
    states = model(batch, attention)
    h = torch.cat([states[k] for k in LAYERS], -1)
    return torch.cat([h[k, 1 + lo:1 + hi] for k, (_, _, lo, hi) in enumerate(plan)], 0)


def token_vectors(it: Item, h):
    """Each token's vector, the mean of its wordpieces' (as neural.token_vectors), and a zero
    row after the last: where a span's neighbour is missing."""
    token = torch.from_numpy(it.token)
    vecs = torch.zeros(it.ntok + 1, h.shape[1]).index_add(0, token, h[it.lo:it.hi])
    count = torch.zeros(it.ntok + 1).index_add(0, token, torch.ones(len(token)))
    return vecs / count.clamp(min=1)[:, None]


def span_inputs(it: Item, vecs):
    """The scorer's input for each candidate of an article (as neural.span_representation),
    from its token_vectors()."""
    n = it.ntok
    cue, words = torch.zeros(len(it.spans), n + 1), torch.zeros(len(it.spans), n + 1)
    edges = []
    for k, (c, w, before, after) in enumerate(it.spans):
        if c is not None:
            cue[k, list(c)] = 1 / len(c)
        words[k, w] = 1 / len(w)
        edges.append((w[0], w[-1], before if before >= 0 else n, min(after, n)))
    first, last, before, after = (torch.tensor(e) for e in zip(*edges))
    return torch.cat([cue @ vecs, words @ vecs, vecs[first], vecs[last], vecs[before], vecs[after]], 1)


def inputs(model: MiniLM, it: Item):
    """(the scorer's input for each candidate of `it`, each token's vector): one encoder pass."""
    vecs = token_vectors(it, wordpiece_vectors(model, it.ids))
    return span_inputs(it, vecs), vecs


class Tuned:
    """An encoder and span scorer trained together (tune())."""

    def __init__(self, model: MiniLM, head: nn.Sequential, mean, scale, frozen: int):
        self.model, self.head, self.mean, self.scale, self.frozen = model, head, mean, scale, frozen
        self.tagger = nn.Linear(model.word.embedding_dim * len(LAYERS), len(ROLES))

    def logits(self, it: Item):
        """The scorer's logit for each candidate of `it`, and the tagger's for each token's ROLES."""
        x, vecs = inputs(self.model, it)
        return self.head((x - self.mean) / self.scale)[:, 0], self.tagger(vecs[:it.ntok])

    def encoded(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A text's wordpiece vectors and offsets, as the run time's encoder gives them."""
        ids, offsets = load_encoder().wordpieces(text)
        with torch.no_grad():
            return wordpiece_vectors(self.model, ids).numpy().astype(np.float16), offsets

    def scorer(self) -> SpanScorer:
        first, last, tag = self.head[0], self.head[2], self.tagger
        return SpanScorer(self.mean.numpy(), self.scale.numpy(), first.weight.detach().numpy().T.copy(),
                          first.bias.detach().numpy().copy(), last.weight.detach().numpy().T.copy(),
                          last.bias.detach().numpy().copy(), tag.weight.detach().numpy().T.copy(),
                          tag.bias.detach().numpy().copy())

    def exported(self) -> dict:
        return self.model.exported(self.frozen)


def tune(items: list[Item], epochs: int = EPOCHS, frozen: int = FROZEN, seed: int = 0) -> Tuned:
    """Train MiniLM's layers above `frozen` and the scorer's network on the candidates of `items`,
    with the tagger's ROLES as an auxiliary loss, one article per step (AdamW, linear warm-up and
    decay, logistic losses)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    items = [it for it in items if it.spans]
    model = MiniLM()
    with torch.no_grad():
        sample = rng.choice(len(items), min(STANDARDIZE_ARTICLES, len(items)), replace=False)
        x = torch.cat([inputs(model, items[k])[0] for k in sample])
        mean, scale = x.mean(0), x.std(0) + 1e-4
    head = nn.Sequential(nn.Linear(x.shape[1], HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))
    for p in [*model.word.parameters(), *model.pos.parameters(), *model.typ.parameters(), *model.ln.parameters(),
              *(p for layer in model.layers[:frozen] for p in layer.parameters())]:
        p.requires_grad = False
    out = Tuned(model, head, mean, scale, frozen)
    tuned = [p for p in model.parameters() if p.requires_grad]
    heads = [*head.parameters(), *out.tagger.parameters()]
    opt = torch.optim.AdamW([{"params": tuned, "lr": LR}, {"params": heads, "lr": HEAD_LR}], weight_decay=0.01)
    steps = epochs * len(items)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: min(1.0, (t + 1) / warm) * max(0.0, 1 - t / steps))
    t0, total = time.perf_counter(), 0.0
    for step, k in enumerate(np.concatenate([rng.permutation(len(items)) for _ in range(epochs)]), 1):
        scores, roles = out.logits(items[k])
        loss = (F.binary_cross_entropy_with_logits(scores, torch.from_numpy(items[k].y))
                + ROLE_WEIGHT * F.binary_cross_entropy_with_logits(roles, torch.from_numpy(items[k].roles)))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_([*tuned, *heads], 1.0)
        opt.step()
        sched.step()
        total += loss.item()
        if step % 200 == 0:
            print(f"  fine-tuning step {step}/{steps}: loss {total / 200:.4f} ({time.perf_counter() - t0:.0f}s)",
                  flush=True)
            total = 0.0
    return out

