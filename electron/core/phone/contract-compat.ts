// Compile-time proof that the API's mirrored vocabulary (electron/shared/api.ts cannot import the core)
// matches the engine's. If the engine gains a codec or a call state, this file stops compiling.
import type { CodecName as CoreCodec } from '../media/codec.js';
import type { AuthMethodName, CallState as CoreState, RegistrationStatus as CoreReg } from '../iax2/engine-api.js';
import type { AuthMethod, CallState, CodecName, RegistrationStatus } from '../../shared/api.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codecsMatch: Same<CoreCodec, CodecName> = true;
const statesMatch: Same<CoreState, CallState> = true;
const regMatch: Same<CoreReg, RegistrationStatus> = true;
const authMatch: Same<AuthMethodName, AuthMethod> = true;
// (The trace entry needs no check: electron/core/iax2/trace-types.ts extends the contract's TraceFrame.)
export const CONTRACT_MATCHES_CORE = codecsMatch && statesMatch && regMatch && authMatch;
