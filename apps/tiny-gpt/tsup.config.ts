import { libraryPreset } from '@dendrite/config/tsup';

export default libraryPreset({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts', format: 'src/format.ts' },
  platform: 'node',
  banner: '#!/usr/bin/env node',
});
