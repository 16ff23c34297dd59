import { libraryPreset } from '@dendrite/config/tsup';

export default libraryPreset({
  entry: { index: 'src/index.ts', 'node-webgpu': 'src/node-webgpu.ts' },
});
