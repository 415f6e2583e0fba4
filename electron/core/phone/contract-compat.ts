// Compile-time proof that the API's mirrored vocabulary (electron/shared/api.ts cannot import the core)
// matches the engine's. If the engine gains a codec or a call state, this file stops compiling.
import type { CodecName as CoreCodec } from '../media/codec.js';
import type {
  AuthMethodName, CallState as CoreState, EncryptionMode as CoreEncryption, RegistrationStatus as CoreReg,
} from '../iax2/engine-api.js';
import type { AuthMethod, CallState, CodecName, ENCRYPTION_MODES, EncryptionMode, RegistrationStatus } from '../../shared/api.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codecsMatch: Same<CoreCodec, CodecName> = true;
const statesMatch: Same<CoreState, CallState> = true;
const regMatch: Same<CoreReg, RegistrationStatus> = true;
const authMatch: Same<AuthMethodName, AuthMethod> = true;
const encryptionMatch: Same<CoreEncryption, EncryptionMode> = true;
/** The mode list the guards and the account form use names every engine mode, and nothing else. */
const encryptionListMatch: Same<CoreEncryption, (typeof ENCRYPTION_MODES)[number]> = true;
// (The trace entry needs no check: electron/core/iax2/trace-types.ts extends the contract's TraceFrame.)
export const CONTRACT_MATCHES_CORE = codecsMatch && statesMatch && regMatch && authMatch && encryptionMatch
  && encryptionListMatch;
