/**
 * Named points in the trainer where a test can stop the process, to kill it there: with
 * `TINY_GPT_FAILPOINT=<name>` in its environment, a trainer reaching `<name>` prints
 * `tiny-gpt: failpoint <name>` on stderr and waits forever. The kill tests wait for that line
 * (an event, not a time) and send SIGKILL, so every step of a checkpoint is proven crash-safe.
 * Unset (always, outside tests) it costs one environment lookup per checkpoint.
 */

/** The failpoints, in the order a first checkpoint passes them. */
export const FAILPOINTS = [
  'lock-taken',
  'first-checkpoint',
  'old-run-removed',
  'run-files-written',
  'state-written',
  'checkpoint-written',
] as const;

export type Failpoint = (typeof FAILPOINTS)[number];

/** Stops here forever when the environment names this point (see the module comment). */
export async function failpoint(name: Failpoint): Promise<void> {
  if (process.env.TINY_GPT_FAILPOINT !== name) return;
  process.stderr.write(`tiny-gpt: failpoint ${name}\n`);
  await new Promise<never>(() => {
    setInterval(() => {}, 1 << 30);
  });
}
