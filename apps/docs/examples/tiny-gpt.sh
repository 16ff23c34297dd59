# The run of `pnpm run main`, by hand, then sample from it
tiny-gpt train --config tiny --batch 8 --lr 3e-3 --iters 1000 --max-time 170 --out runs/demo --overwrite
tiny-gpt sample --ckpt runs/demo --prompt "The neuron" --tokens 200 --temperature 0.8 --top-k 40 --seed 1

# Stop after 200 iterations, then continue exactly where it stopped; later, train it longer
tiny-gpt train --config tiny --iters 1000 --stop-after 200 --out runs/resumable
tiny-gpt train --resume --out runs/resumable
tiny-gpt train --resume --out runs/resumable --iters 2000 --lr 5e-4

# Your own text, a BPE tokenizer and a bigger model; then loss and perplexity on another text
tiny-gpt train --data notes.txt --tokenizer bpe:512 --config baby --eval-interval 250 --out runs/notes
tiny-gpt eval --data other.txt --ckpt runs/notes

# Tiny Shakespeare, the classic char-level benchmark (downloads it), and the speed benchmark
tiny-gpt prepare shakespeare --out data/tinyshakespeare.txt
tiny-gpt bench --iters 20

# The weights for PyTorch (nanoGPT's or Hugging Face GPT-2's layout), and back from it as a run folder
tiny-gpt export --ckpt runs/demo --format hf-gpt2 --out runs/demo-hf
tiny-gpt import --from runs/demo-hf --out runs/demo-back
