import type { BuildStep } from './build';

/** Build steps run on each compiled schema after its index and per-path files are written. */
export function buildSteps(): BuildStep[] {
  // Loaded here, not at the top: the runtime never needs the generator (it pulls in ajv).
  const { generateValidators } = require('../params/build-step') as typeof import('../params/build-step');
  return [generateValidators];
}
