#!/usr/bin/env node
// `pnpm run release:publish`: the publish command of the release, the same in CI
// (.github/workflows/release.yml, through the changesets action) and in the local rehearsal
// (`pnpm release:local`, against a throwaway registry). Run from the repository root.
//
//   1. pnpm publish -r --no-git-checks --report-summary
//        every package that is not private and whose version is not in the registry yet; pnpm
//        rewrites `workspace:` ranges and applies publishConfig on the way. Registry and token come
//        from the npmrc (CI: the changesets action writes ~/.npmrc from NPM_TOKEN; locally: the
//        scratch copy's .npmrc). --no-git-checks: the action publishes from a clean main, the
//        rehearsal from a copy that `changeset version` just changed.
//        With NPM_CONFIG_PROVENANCE=true (the workflow sets it) `--provenance` is added: pnpm 12
//        does not read npm's environment variables, so the flag is how provenance reaches it.
//   2. changeset tag
//        a git tag per released version; its "New tag: name@version" lines are what the changesets
//        action reads to create the GitHub releases.
import { spawnSync } from 'node:child_process';
import { pnpmCommand } from '@dendrite/scripts/workspace';

const pnpm = pnpmCommand(process.cwd());
const provenance = /^(1|true)$/i.test(
  process.env.NPM_CONFIG_PROVENANCE ?? process.env.npm_config_provenance ?? '',
);
const publishArgs = [
  'publish',
  '-r',
  '--no-git-checks',
  '--report-summary',
  ...(provenance ? ['--provenance'] : []),
];

function step(args) {
  console.log(`release:publish: ${['pnpm', ...args].join(' ')}`);
  const r = spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { stdio: 'inherit' });
  if (r.error) console.error(r.error.message);
  return r.status ?? 1;
}

const published = step(publishArgs);
if (published !== 0) process.exit(published);
process.exit(step(['exec', 'changeset', 'tag']));
