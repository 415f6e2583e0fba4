// The jitter buffer's public surface (design in stack-notes §5): the adaptive buffer, its settings and types.
export { AdaptiveJitterBuffer } from './adaptive-jitter-buffer.js';
export { DEFAULT_JITTER_SETTINGS, resolveJitterSettings } from './settings.js';
export type { GetResult, JitterFrame, JitterSettings, JitterStats, PutOutcome } from './types.js';
