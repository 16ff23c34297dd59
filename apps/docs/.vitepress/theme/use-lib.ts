import { onMounted, type Ref, ref, type ShallowRef, shallowRef } from 'vue';

/**
 * Loads a demo's library code in the browser only (onMounted never runs during pre-rendering).
 * `lib` is null until loaded; a failure is shown in the demo and logged as a console error.
 */
export function useLib<T>(load: () => Promise<T>): { lib: ShallowRef<T | null>; error: Ref<string> } {
  const lib = shallowRef<T | null>(null);
  const error = ref('');
  onMounted(async () => {
    try {
      lib.value = await load();
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      console.error(err);
    }
  });
  return { lib, error };
}

/** Runs `fn`, turning a thrown error into a message (demos show it instead of breaking). */
export function attempt<T>(fn: () => T, error: Ref<string>): T | null {
  try {
    const value = fn();
    error.value = '';
    return value;
  } catch (err) {
    error.value = err instanceof Error ? err.message : String(err);
    return null;
  }
}
