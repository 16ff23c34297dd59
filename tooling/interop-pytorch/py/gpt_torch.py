"""A GPT in plain PyTorch, written for this suite from nanoGPT's published architecture (and the
Hugging Face GPT-2 variant of the same network), so the suite needs nothing but Debian's torch.

Both variants have the same module names (transformer.wte / wpe / h.{i}.ln_1 / attn.c_attn /
attn.c_proj / ln_2 / mlp.c_fc / mlp.c_proj / ln_f, lm_head tied to wte); they differ in the
projections' storage: nanoGPT's are nn.Linear (weight [out, in], y = x·Wᵀ + b), GPT-2's are
Conv1D (weight [in, out], y = x·W + b).
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


class Conv1D(nn.Module):
    """GPT-2's projection: y = x·W + b with W stored [in, out]."""

    def __init__(self, n_in, n_out, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out).normal_(std=0.02))
        self.bias = nn.Parameter(torch.zeros(n_out)) if bias else None

    def forward(self, x):
        y = x @ self.weight
        return y if self.bias is None else y + self.bias


class LayerNorm(nn.Module):
    """LayerNorm whose bias can be switched off (nanoGPT's `bias=False`); ε = 1e-5."""

    def __init__(self, n, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.bias = nn.Parameter(torch.zeros(n)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


def projection(cfg, n_in, n_out):
    if cfg["layout"] == "hf-gpt2":
        return Conv1D(n_in, n_out, bias=True)
    return nn.Linear(n_in, n_out, bias=cfg["bias"])


class SelfAttention(nn.Module):
    """Causal multi-head attention: softmax(q·kᵀ/√d + mask)·v, heads concatenated, projected."""

    def __init__(self, cfg):
        super().__init__()
        C, T = cfg["n_embd"], cfg["block_size"]
        self.n_head = cfg["n_head"]
        self.c_attn = projection(cfg, C, 3 * C)
        self.c_proj = projection(cfg, C, C)
        self.drop = cfg["dropout"]
        # As nanoGPT registers it on PyTorch < 2.0 (no flash attention): a persistent buffer named
        # `bias`, so its state_dict holds transformer.h.{i}.attn.bias. GPT-2's is not saved here.
        mask = torch.tril(torch.ones(T, T)).view(1, 1, T, T)
        self.register_buffer("bias", mask, persistent=cfg["layout"] == "nanogpt")

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        heads = lambda t: t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # noqa: E731
        q, k, v = heads(q), heads(k), heads(v)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.dropout(F.softmax(att, dim=-1), self.drop, self.training)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return F.dropout(self.c_proj(y), self.drop, self.training)


class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["n_embd"]
        self.c_fc = projection(cfg, C, 4 * C)
        self.c_proj = projection(cfg, 4 * C, C)
        self.approximate = cfg.get("gelu", "none")
        self.drop = cfg["dropout"]

    def forward(self, x):
        h = F.gelu(self.c_fc(x), approximate=self.approximate)
        return F.dropout(self.c_proj(h), self.drop, self.training)


class Block(nn.Module):
    """x + attn(ln_1(x)), then + mlp(ln_2(x))."""

    def __init__(self, cfg):
        super().__init__()
        bias = cfg["bias"] or cfg["layout"] == "hf-gpt2"
        self.ln_1 = LayerNorm(cfg["n_embd"], bias)
        self.attn = SelfAttention(cfg)
        self.ln_2 = LayerNorm(cfg["n_embd"], bias)
        self.mlp = FeedForward(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["n_embd"]
        bias = cfg["bias"] or cfg["layout"] == "hf-gpt2"
        self.cfg = cfg
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(cfg["vocab_size"], C),
                wpe=nn.Embedding(cfg["block_size"], C),
                h=nn.ModuleList([Block(cfg) for _ in range(cfg["n_layer"])]),
                ln_f=LayerNorm(C, bias),
            )
        )
        self.lm_head = nn.Linear(C, cfg["vocab_size"], bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied: logits = h·Eᵀ

    def forward(self, idx, targets=None, ignore_index=-1):
        T = idx.size(1)
        pos = torch.arange(T, device=idx.device)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        x = F.dropout(x, self.cfg["dropout"], self.training)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=ignore_index)
        return logits, loss


def config_of(raw, layout):
    """The model's settings from nanoGPT's config.json or Hugging Face GPT-2's."""
    if layout == "nanogpt":
        keys = ["vocab_size", "block_size", "n_layer", "n_head", "n_embd", "dropout", "bias"]
        return dict({k: raw[k] for k in keys}, layout=layout, gelu="none")
    acts = {"gelu": "none", "gelu_new": "tanh"}
    return dict(
        vocab_size=raw["vocab_size"],
        block_size=raw["n_positions"],
        n_layer=raw["n_layer"],
        n_head=raw["n_head"],
        n_embd=raw["n_embd"],
        dropout=raw["resid_pdrop"],
        bias=True,
        layout=layout,
        gelu=acts[raw["activation_function"]],
    )
