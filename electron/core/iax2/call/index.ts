// The call layer's entry point for the engine (transport/call-host.ts).
export { createCallManager, codecsForCall } from './call-manager.js';
export { Call } from './call.js';
export { PING_INTERVAL_MS } from './call-pings.js';
export { TRANSFER_NOTICE_MS } from './in-call.js';
