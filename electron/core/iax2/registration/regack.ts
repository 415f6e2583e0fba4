// What a REGACK tells us (spec §5.4 "Decoding the REGACK", A-4; Asterisk update_registry()).
import { decodeApparentAddr, decodeDateTime, decodeMsgCount, IeReader, type DateTimeParts } from '../wire/ies.js';
import { IeType } from '../wire/types.js';

export interface RegAckInfo {
  /** Seconds granted (the server's value wins; spec P21). */
  readonly refreshSeconds?: number;
  readonly apparentAddress?: { readonly address: string; readonly port: number };
  readonly messages?: { readonly old: number; readonly new: number };
  readonly callerIdNumber?: string;
  readonly callerIdName?: string;
  /**
   * DATETIME: the server's local wall-clock time, 2-second resolution (spec §3.2 packing, §5.4, A-4). Decoded for the
   * trace and diagnostics only; a softphone has no use for the server's clock beyond that.
   */
  readonly serverTime?: DateTimeParts;
}

export function parseRegAck(payload: Uint8Array): RegAckInfo {
  const parsed = IeReader.fromPayload(payload);
  if (!parsed.ok) return {};
  const r = parsed.value;
  const refresh = r.u16(IeType.REFRESH);
  const addrBytes = r.bytes(IeType.APPARENT_ADDR);
  const addr = addrBytes ? decodeApparentAddr(addrBytes) : undefined;
  const msg = r.u16(IeType.MSGCOUNT);
  const counts = msg !== undefined ? decodeMsgCount(msg) : undefined;
  const num = r.string(IeType.CALLING_NUMBER);
  const name = r.string(IeType.CALLING_NAME);
  const datetime = r.u32(IeType.DATETIME);
  return {
    ...(refresh !== undefined && refresh > 0 ? { refreshSeconds: refresh } : {}),
    ...(addr?.ok ? { apparentAddress: { address: addr.value.address, port: addr.value.port } } : {}),
    ...(counts ? { messages: { old: counts.oldMessages, new: counts.newMessages } } : {}),
    ...(num ? { callerIdNumber: num } : {}),
    ...(name ? { callerIdName: name } : {}),
    ...(datetime !== undefined ? { serverTime: decodeDateTime(datetime) } : {}),
  };
}

/** CAUSE text and CAUSECODE of a REGREJ/REJECT, if present. */
export function parseCause(payload: Uint8Array): { cause?: string; causeCode?: number } {
  const parsed = IeReader.fromPayload(payload);
  if (!parsed.ok) return {};
  const cause = parsed.value.string(IeType.CAUSE);
  const causeCode = parsed.value.u8(IeType.CAUSECODE);
  return { ...(cause ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}) };
}
