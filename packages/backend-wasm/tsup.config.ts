import { libraryPreset } from '@dendrite/config/tsup';

export default libraryPreset();
