import type { UserConfig } from 'vitest/config';

export interface VitestPresetOptions {
  testTimeout?: number;
  include?: string[];
  environment?: 'node' | 'happy-dom';
  setupFiles?: string[];
}

export function vitestPreset(options?: VitestPresetOptions): UserConfig;
