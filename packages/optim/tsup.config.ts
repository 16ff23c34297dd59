import { libraryPreset } from '@dendrite/config/tsup';

// Optimizers read autograd's `.grad`: its types (the Tensor augmentation) load with optim's.
export default libraryPreset({ typeImports: ['@dendrite/autograd'] });
