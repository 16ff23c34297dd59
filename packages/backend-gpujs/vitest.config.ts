import { vitestPreset } from '@dendrite/config/vitest';

// A WebGPU adapter on a machine without a GPU: Mesa's lavapipe, unpacked by .ci/run (or by hand, see
// the README) into the folder DENDRITE_LAVAPIPE names. The test workers are child processes, so
// setting the loader's variables here, before they start, is what makes Dawn find the driver.
const lavapipe = process.env.DENDRITE_LAVAPIPE;
if (lavapipe) {
  process.env.VK_ICD_FILENAMES ??= `${lavapipe}/lvp_icd.json`;
  const lib = `${lavapipe}/usr/lib/x86_64-linux-gnu`;
  process.env.LD_LIBRARY_PATH = [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

export default vitestPreset();
