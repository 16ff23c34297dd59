"""PyTorch anchor for the baby-GPT training step (run by gpt-step.mjs; report only, never a test).

The model and loop of `tiny-gpt bench`: nanoGPT's baby config (4 layers, 4 heads, width 128,
context 64, no biases, tied LM head, exact GELU), batch 12, AdamW (lr 1e-3, betas 0.9/0.99,
weight decay 0.1 on matrices), gradient clipping at 1, random batches of the first 90 % of a
character-level corpus. Prints ms/iteration (mean over all timed iterations, and the median) and
tokens/s. Usage: python3 baby_gpt_torch.py CORPUS ITERS THREADS
"""
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, heads, block):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(c, elementwise_affine=True)
        self.ln_1.bias = None
        self.c_attn = nn.Linear(c, 3 * c, bias=False)
        self.c_proj = nn.Linear(c, c, bias=False)
        self.ln_2 = nn.LayerNorm(c)
        self.ln_2.bias = None
        self.c_fc = nn.Linear(c, 4 * c, bias=False)
        self.mlp_proj = nn.Linear(4 * c, c, bias=False)
        self.register_buffer('mask', torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x):
        B, T, C = x.shape
        h = F.layer_norm(x, (C,), self.ln_1.weight, None, 1e-5)
        q, k, v = self.c_attn(h).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        # att = softmax(q·kᵀ / √d, causal) · v
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float('-inf')).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        h = F.layer_norm(x, (C,), self.ln_2.weight, None, 1e-5)
        return x + self.mlp_proj(F.gelu(self.c_fc(h)))


class GPT(nn.Module):
    def __init__(self, vocab, c=128, layers=4, heads=4, block=64):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(block, c)
        self.h = nn.ModuleList([Block(c, heads, block) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)
        self.ln_f.bias = None
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, idx, targets):
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        x = F.layer_norm(x, (x.size(-1),), self.ln_f.weight, None, 1e-5)
        logits = x @ self.wte.weight.t()  # tied LM head
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def blas_library():
    """The BLAS library this process loaded (Linux), so the anchor says whose products it timed."""
    try:
        with open('/proc/self/maps') as maps:
            for line in maps:
                name = line.split()[-1]
                if 'blas' in name.rsplit('/', 1)[-1]:
                    return name
    except OSError:
        pass
    return 'unknown'


def main():
    corpus, iters, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(1337)
    text = open(corpus, encoding='utf-8').read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[ch] for ch in text], dtype=torch.long)
    train = data[: int(0.9 * len(data))]
    B, T = 12, 64
    model = GPT(len(chars))
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{'params': decay, 'weight_decay': 0.1}, {'params': rest, 'weight_decay': 0.0}],
        lr=1e-3, betas=(0.9, 0.99),
    )
    times = []
    for it in range(iters + 3):
        ix = torch.randint(len(train) - T - 1, (B,))
        x = torch.stack([train[i : i + T] for i in ix])
        y = torch.stack([train[i + 1 : i + T + 1] for i in ix])
        t0 = time.perf_counter()
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if it >= 3:  # the first steps warm up allocators and thread pools
            times.append((time.perf_counter() - t0) * 1000)
    mean = sum(times) / len(times)
    print(
        f'PyTorch {torch.__version__}, {torch.get_num_threads()} threads: {mean:.1f} ms/iteration mean over '
        f'{len(times)} iterations (median {statistics.median(times):.1f}), {B * T * 1000 / mean:,.0f} tokens/s, '
        f'last loss {loss.item():.3f}; BLAS {blas_library()}'
    )


if __name__ == '__main__':
    main()
