import { libraryPreset } from '@dendrite/config/tsup';

export default libraryPreset({ entry: { demo: 'src/demo.ts' }, platform: 'node', dts: false });
