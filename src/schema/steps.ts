import type { BuildStep } from './build';

/** Build steps run on each compiled schema after its index and per-path files are written. */
export function buildSteps(): BuildStep[] {
  return [];
}
