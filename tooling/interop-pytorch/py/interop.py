"""The PyTorch side of Dendrite's interop suite (tooling/interop-pytorch).

  python3 interop.py logits --folder DIR --text FILE --out LOGITS.safetensors
      Loads an export (nanoGPT or Hugging Face GPT-2 layout, told apart by config.json) into the
      plain-torch GPT of gpt_torch.py and writes its logits ("logits") for the first two
      block-size windows of the text ("ids").
  python3 interop.py ddp --folder DIR --text FILE --out DIR2 [--steps N] [--world 2]
      Trains that model with DistributedDataParallel (gloo, CPU, one process per rank, started
      with torch.multiprocessing.spawn: Debian's torch 1.13 torchrun fails on Python 3.11), then
      rank 0 saves the weights in the same layout to DIR2 and reports the loss over consecutive
      block-size windows of the tokens (what `tiny-gpt eval` computes) in DIR2/pytorch-report.json.
  python3 interop.py resume --folder DIR --text FILE --out DIR2 [--steps N]
      What nanoGPT's train.py does with --init_from=resume on a folder holding ckpt.pt (and its
      sample.py with meta.pkl): torch.load the checkpoint, build the GPT from model_args, load the
      weights, split the parameters into nanoGPT's two AdamW groups and load the optimizer state.
      Writes the logits of the first two windows (DIR2/logits.safetensors, before any step), then
      trains N steps and saves DIR2/ckpt.pt as train.py does (names under torch.compile's
      _orig_mod., best_val_loss a 0-d tensor) with meta.pkl beside it, and the loss over
      consecutive windows in DIR2/pytorch-report.json.
"""
import argparse
import json
import os
import pickle
import shutil
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from gpt_torch import GPT, config_of  # noqa: E402


def load_model(folder):
    with open(os.path.join(folder, "config.json")) as f:
        raw = json.load(f)
    layout = "hf-gpt2" if "n_positions" in raw else "nanogpt"
    torch.manual_seed(0)
    model = GPT(config_of(raw, layout))
    weights, _ = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    result = model.load_state_dict(weights, strict=False)
    # The only keys an export may lack: nanoGPT's causal-mask buffers (PyTorch < 2.0 keeps them in
    # its state_dict) and, in GPT-2's layout, the tied head.
    allowed = lambda k: k.endswith(".attn.bias") or (layout == "hf-gpt2" and k == "lm_head.weight")  # noqa: E731
    missing = [k for k in result.missing_keys if not allowed(k)]
    if missing or result.unexpected_keys:
        raise SystemExit(f"{folder}: missing {missing}, unexpected {result.unexpected_keys}")
    return model, layout


def encode(folder, text_path):
    """The text as token ids, with the export's character tokenizer (dendrite-tokenizer.json)."""
    with open(os.path.join(folder, "dendrite-tokenizer.json")) as f:
        tok = json.load(f)
    if tok.get("type") != "char":
        raise SystemExit(f"{folder}/dendrite-tokenizer.json: this script encodes char tokenizers only")
    index = {c: i for i, c in enumerate(tok["chars"])}
    with open(text_path, encoding="utf-8") as f:
        return torch.tensor([index[c] for c in f.read()], dtype=torch.long)


def cmd_logits(args):
    model, _ = load_model(args.folder)
    model.eval()
    T = model.cfg["block_size"]
    tokens = encode(args.folder, args.text)
    ids = torch.stack([tokens[:T], tokens[T : 2 * T]])
    with torch.no_grad():
        logits, _ = model(ids)
    safetensors_io.save(args.out, {"ids": ids.int(), "logits": logits.float()})


def windows_loss(model, tokens, T):
    """Mean next-token loss over consecutive, non-overlapping windows of T tokens."""
    starts = list(range(0, len(tokens) - T, T))
    x = torch.stack([tokens[s : s + T] for s in starts])
    y = torch.stack([tokens[s + 1 : s + T + 1] for s in starts])
    with torch.no_grad():
        _, loss = model(x, y)
    return loss.item()


def train_rank(rank, args, port):
    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    dist.init_process_group("gloo", rank=rank, world_size=args.world)
    model, layout = load_model(args.folder)
    T = model.cfg["block_size"]
    ddp = DistributedDataParallel(model)
    opt = torch.optim.AdamW(ddp.parameters(), lr=args.lr)
    tokens = encode(args.folder, args.text)
    g = torch.Generator().manual_seed(1000 + rank)  # each rank its own batches
    losses = []
    model.train()
    for _ in range(args.steps):
        ix = torch.randint(len(tokens) - T - 1, (args.batch,), generator=g)
        x = torch.stack([tokens[i : i + T] for i in ix])
        y = torch.stack([tokens[i + 1 : i + T + 1] for i in ix])
        _, loss = ddp(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()  # DDP all-reduces (averages) the gradients here
        opt.step()
        losses.append(loss.item())
    # Every rank must hold the same weights after the steps: compare a checksum across ranks.
    checksum = torch.tensor([sum(p.double().sum().item() for p in model.parameters())], dtype=torch.float64)
    sums = [torch.zeros(1, dtype=torch.float64) for _ in range(args.world)]
    dist.all_gather(sums, checksum)
    if rank == 0:
        if any(s.item() != sums[0].item() for s in sums):
            raise SystemExit(f"ranks disagree after DDP: {[s.item() for s in sums]}")
        model.eval()
        os.makedirs(args.out, exist_ok=True)
        state = model.state_dict()  # nanoGPT's names; masks and the tied head included, as torch saves them
        safetensors_io.save(os.path.join(args.out, "model.safetensors"), state, {"iter": args.steps, "format": "pt"})
        for name in ["config.json", "dendrite-tokenizer.json"]:
            if os.path.exists(os.path.join(args.folder, name)):
                shutil.copyfile(os.path.join(args.folder, name), os.path.join(args.out, name))
        report = {
            "layout": layout,
            "world_size": args.world,
            "steps": args.steps,
            "train_losses_rank0": losses,
            "eval_loss": windows_loss(model, tokens, T),
            "torch": torch.__version__,
        }
        with open(os.path.join(args.out, "pytorch-report.json"), "w") as f:
            json.dump(report, f, indent=2)
    dist.barrier()
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cmd_ddp(args):
    mp.spawn(train_rank, args=(args, free_port()), nprocs=args.world, join=True)


def cmd_resume(args):
    torch.manual_seed(0)
    checkpoint = torch.load(os.path.join(args.folder, "ckpt.pt"), map_location="cpu")
    model_args = checkpoint["model_args"]
    model = GPT(config_of(model_args, "nanogpt"))
    state_dict = checkpoint["model"]
    unwanted_prefix = "_orig_mod."  # as nanoGPT's train.py strips it
    for k, v in list(state_dict.items()):
        if k.startswith(unwanted_prefix):
            state_dict[k[len(unwanted_prefix) :]] = state_dict.pop(k)
    result = model.load_state_dict(state_dict, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith(".attn.bias")]  # PyTorch < 2.0's masks
    if missing or result.unexpected_keys:
        raise SystemExit(f"ckpt.pt: missing {missing}, unexpected {result.unexpected_keys}")
    if model.lm_head.weight.data_ptr() != model.transformer.wte.weight.data_ptr():
        raise SystemExit("the head is no longer tied after loading")
    # nanoGPT's configure_optimizers: 2-D and up decay, the rest not, in named_parameters() order
    params = [p for _, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99))
    opt.load_state_dict(checkpoint["optimizer"])
    saved = checkpoint["optimizer"]["state"]
    for i, p in enumerate(g for group in opt.param_groups for g in group["params"]):
        loaded = opt.state[p]
        if loaded["exp_avg"].shape != p.shape or not torch.equal(loaded["exp_avg"], saved[i]["exp_avg"]):
            raise SystemExit(f"optimizer state {i} does not belong to a parameter of its shape {tuple(p.shape)}")
    with open(os.path.join(args.folder, "meta.pkl"), "rb") as f:
        meta = pickle.load(f)  # as sample.py reads it
    stoi = meta["stoi"]
    with open(args.text, encoding="utf-8") as f:
        tokens = torch.tensor([stoi[c] for c in f.read()], dtype=torch.long)
    T = model_args["block_size"]
    os.makedirs(args.out, exist_ok=True)
    model.eval()
    with torch.no_grad():
        ids = torch.stack([tokens[:T], tokens[T : 2 * T]])
        logits, _ = model(ids)
    safetensors_io.save(os.path.join(args.out, "logits.safetensors"), {"ids": ids.int(), "logits": logits.float()})
    model.train()
    g = torch.Generator().manual_seed(7)
    for _ in range(args.steps):
        ix = torch.randint(len(tokens) - T - 1, (4,), generator=g)
        x = torch.stack([tokens[i : i + T] for i in ix])
        y = torch.stack([tokens[i + 1 : i + T + 1] for i in ix])
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    model.eval()
    eval_loss = windows_loss(model, tokens, T)
    state = {f"_orig_mod.{k}": v for k, v in model.state_dict().items()}  # as under torch.compile
    torch.save(
        {
            "model": state,
            "optimizer": opt.state_dict(),
            "model_args": model_args,
            "iter_num": checkpoint["iter_num"] + args.steps,
            "best_val_loss": torch.tensor(eval_loss),
            "config": dict(checkpoint["config"], learning_rate=1e-3, compile=True),
        },
        os.path.join(args.out, "ckpt.pt"),
    )
    shutil.copyfile(os.path.join(args.folder, "meta.pkl"), os.path.join(args.out, "meta.pkl"))
    report = {
        "iter_num": checkpoint["iter_num"],
        "best_val_loss": float(checkpoint["best_val_loss"]),
        "dataset": checkpoint["config"].get("dataset"),
        "optimizer_states": len(saved),
        "steps": args.steps,
        "eval_loss": eval_loss,
        "torch": torch.__version__,
    }
    with open(os.path.join(args.out, "pytorch-report.json"), "w") as f:
        json.dump(report, f, indent=2)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    lg = sub.add_parser("logits")
    lg.add_argument("--folder", required=True)
    lg.add_argument("--text", required=True)
    lg.add_argument("--out", required=True)
    dd = sub.add_parser("ddp")
    dd.add_argument("--folder", required=True)
    dd.add_argument("--text", required=True)
    dd.add_argument("--out", required=True)
    dd.add_argument("--steps", type=int, default=5)
    dd.add_argument("--batch", type=int, default=4)
    dd.add_argument("--lr", type=float, default=1e-3)
    dd.add_argument("--world", type=int, default=2)
    rs = sub.add_parser("resume")
    rs.add_argument("--folder", required=True)
    rs.add_argument("--text", required=True)
    rs.add_argument("--out", required=True)
    rs.add_argument("--steps", type=int, default=5)
    args = p.parse_args()
    {"logits": cmd_logits, "ddp": cmd_ddp, "resume": cmd_resume}[args.command](args)


if __name__ == "__main__":
    main()
