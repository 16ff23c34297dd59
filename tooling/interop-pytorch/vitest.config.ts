import { vitestPreset } from '@dendrite/config/vitest';

export default vitestPreset();
