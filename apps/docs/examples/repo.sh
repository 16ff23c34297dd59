# From the repository root: install, build the packages and train a tiny GPT on the built-in corpus
npx -y pnpm@12.4.2 install --frozen-lockfile && npx -y pnpm@12.4.2 run main
