// The call layer's entry point for the engine (transport/call-host.ts).
export { createCallManager, codecsForCall, DEFAULT_CODECS } from './call-manager.js';
export { Call, PING_INTERVAL_MS, TRANSFER_NOTICE_MS } from './call.js';
