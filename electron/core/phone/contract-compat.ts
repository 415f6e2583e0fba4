// Compile-time proof that the API's mirrored vocabulary (electron/shared/api.ts cannot import the core)
// matches the engine's. If the engine gains a codec or a call state, this file stops compiling.
import type { CodecName as CoreCodec } from '../media/codec.js';
import type { AuthMethodName, CallState as CoreState, RegistrationStatus as CoreReg } from '../iax2/engine-api.js';
import type { TraceEntry } from '../iax2/trace-types.js';
import type { AuthMethod, CallState, CodecName, RegistrationStatus, TraceFrame } from '../../shared/api.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codecsMatch: Same<CoreCodec, CodecName> = true;
const statesMatch: Same<CoreState, CallState> = true;
const regMatch: Same<CoreReg, RegistrationStatus> = true;
const authMatch: Same<AuthMethodName, AuthMethod> = true;
/** Identical, field for field (optional fields included, which mutual assignability would let drift). */
type Identical<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
// The engine's trace entry is the contract's TraceFrame plus the raw datagram (kept for pcap export).
const traceMatches: Identical<Omit<TraceEntry, 'raw'>, Omit<TraceFrame, never>> = true;
export const CONTRACT_MATCHES_CORE = codecsMatch && statesMatch && regMatch && authMatch && traceMatches;
