# Everything for a GPT: tensors, gradients, layers, optimizers, tokenizers and the model
npm i @dendrite/tensor @dendrite/autograd @dendrite/nn @dendrite/optim @dendrite/tokenizer @dendrite/gpt

# Only what you need: N-d arrays with broadcasting and a CPU backend
npm i @dendrite/tensor

# Tensors and gradients (a hand-written model, no layers)
npm i @dendrite/tensor @dendrite/autograd

# A PyTorch-shaped training loop: layers and optimizers
npm i @dendrite/tensor @dendrite/autograd @dendrite/nn @dendrite/optim

# Text in, tokens out, and sampling from logits
npm i @dendrite/tensor @dendrite/tokenizer

# The fast CPU backend (WebAssembly SIMD, worker threads): add to any of the above
npm i @dendrite/tensor @dendrite/backend-wasm
