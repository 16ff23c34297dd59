#!/usr/bin/env bash
# The round trip of the docs guide "When one machine is not enough", exactly as the interop test
# (test/pytorch.test.ts) runs it: Dendrite trains and exports, PyTorch checks the logits and trains
# the export with DistributedDataParallel, Dendrite imports the result and evaluates it.
# Usage: round-trip.sh WORKDIR (holding text.txt and small.json). TINY_GPT and PYTHON name the
# commands (default: tiny-gpt, and Debian's /usr/bin/python3 with python3-torch).
set -euo pipefail
TINY_GPT=${TINY_GPT:-tiny-gpt}
PYTHON=${PYTHON:-/usr/bin/python3}
interop="$(cd "$(dirname "$0")" && pwd)/py/interop.py"
# The lines below read as a user types them: `tiny-gpt …` and `python3 "$interop" …`.
tiny-gpt() { $TINY_GPT "$@"; }
python3() { "$PYTHON" "$@"; }
cd "$1"

#region dendrite-train-export
# 1. Train a tiny GPT with Dendrite, then export it in both layouts PyTorch users read, and as
#    nanoGPT's own ckpt.pt (with the run's AdamW state) and meta.pkl
tiny-gpt train --data text.txt --config small.json --iters 10 --batch 4 --eval-interval 5 --eval-iters 1 --backend cpu --sample-tokens 0 --out run
tiny-gpt export --ckpt run --format nanogpt --out nanogpt
tiny-gpt export --ckpt run --format hf-gpt2 --out hf-gpt2
tiny-gpt export --ckpt run --format nanogpt-ckpt --out nanogpt-ckpt
#endregion dendrite-train-export

#region pytorch
# 2. PyTorch: the logits of each export, then DDP training (2 processes, gloo, CPU), 5 steps each
python3 "$interop" logits --folder nanogpt --text text.txt --out nanogpt-logits.safetensors
python3 "$interop" logits --folder hf-gpt2 --text text.txt --out hf-gpt2-logits.safetensors
python3 "$interop" ddp --folder nanogpt --text text.txt --out nanogpt-ddp --steps 5 --world 2
python3 "$interop" ddp --folder hf-gpt2 --text text.txt --out hf-gpt2-ddp --steps 5 --world 2
# ckpt.pt as nanoGPT's train.py --init_from=resume takes it (weights and AdamW state), 5 steps on
python3 "$interop" resume --folder nanogpt-ckpt --text text.txt --out nanogpt-ckpt-resumed --steps 5
#endregion pytorch

#region dendrite-import
# 3. Back in Dendrite: import what PyTorch trained, evaluate and sample it
tiny-gpt import --from nanogpt-ddp --out run-nanogpt-ddp
tiny-gpt import --from hf-gpt2-ddp --out run-hf-gpt2-ddp
tiny-gpt eval --ckpt run-nanogpt-ddp --data text.txt
tiny-gpt eval --ckpt run-hf-gpt2-ddp --data text.txt
tiny-gpt sample --ckpt run-nanogpt-ddp --tokens 40 --seed 1
tiny-gpt import --from nanogpt-ckpt-resumed --out run-nanogpt-ckpt
tiny-gpt eval --ckpt run-nanogpt-ckpt --data text.txt
#endregion dendrite-import
