import { libraryPreset } from '@dendrite/config/tsup';

// The model trains with autograd's `Tensor#backward`/`.grad`: its types load with gpt's.
export default libraryPreset({ typeImports: ['@dendrite/autograd'] });
