import type { Options } from 'tsup';

export interface LibraryPresetOptions {
  entry?: Record<string, string> | string[];
  platform?: 'neutral' | 'node' | 'browser';
  banner?: string;
  external?: string[];
  noExternal?: (string | RegExp)[];
  dts?: boolean;
}

export function libraryPreset(options?: LibraryPresetOptions): Options | Options[];
