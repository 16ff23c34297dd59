import { libraryPreset } from '@dendrite/config/tsup';

export default libraryPreset({ entry: { index: 'src/index.ts', backend: 'src/backend-kit.ts' } });
