# In a clone of the repository, once its first command has built the CLI: unpack the capstone's download and sample from it
tar xf tiny-gpt-run.tar && node apps/tiny-gpt/dist/cli.js sample --ckpt tiny-gpt-run --prompt "The "
