export { AdaptiveJitterBuffer } from './adaptive-jitter-buffer.js';
export { DEFAULT_JITTER_SETTINGS, resolveJitterSettings } from './settings.js';
export type { GetResult, JitterFrame, JitterSettings, JitterStats, PutOutcome } from './types.js';
