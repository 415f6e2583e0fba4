// Wire-level vocabulary of IAX2 (RFC 5456 §8, as Asterisk 22 chan_iax2 speaks it; spec §1-§3).
// Pure data: the codec functions live in frame-codec.ts and ies.ts beside this file.

/** Frame types, byte 10 of a full frame (RFC 5456 §8.2; spec §2.1). DTMF_BEGIN is Asterisk's extension. */
export enum FrameType {
  DTMF = 1, // DTMF end (RFC 5456 "DTMF")
  VOICE = 2,
  VIDEO = 3,
  CONTROL = 4,
  NULL = 5,
  IAX = 6,
  TEXT = 7,
  IMAGE = 8,
  HTML = 9,
  CNG = 10,
  MODEM = 11,
  DTMF_BEGIN = 12,
}

/** IAX frame subclasses (RFC 5456 §8.4; spec §2.2). */
export enum IaxSubclass {
  NEW = 1, PING = 2, PONG = 3, ACK = 4, HANGUP = 5, REJECT = 6, ACCEPT = 7, AUTHREQ = 8, AUTHREP = 9,
  INVAL = 10, LAGRQ = 11, LAGRP = 12, REGREQ = 13, REGAUTH = 14, REGACK = 15, REGREJ = 16, REGREL = 17,
  VNAK = 18, DPREQ = 19, DPREP = 20, DIAL = 21, TXREQ = 22, TXCNT = 23, TXACC = 24, TXREADY = 25,
  TXREL = 26, TXREJ = 27, QUELCH = 28, UNQUELCH = 29, POKE = 30, PAGE = 31, MWI = 32, UNSUPPORT = 33,
  TRANSFER = 34, PROVISION = 35, FWDOWNL = 36, FWDATA = 37, TXMEDIA = 38, RTKEY = 39, CALLTOKEN = 40,
}

/** CONTROL frame subclasses (RFC 5456 §8.3; Asterisk frame.h; spec §2.3). STOP_INDICATIONS is wire byte 0xFF. */
export enum ControlSubclass {
  HANGUP = 1, RING = 2, RINGING = 3, ANSWER = 4, BUSY = 5, TAKEOFFHOOK = 6, OFFHOOK = 7, CONGESTION = 8,
  FLASH = 9, WINK = 10, OPTION = 11, RADIO_KEY = 12, RADIO_UNKEY = 13, PROGRESS = 14, PROCEEDING = 15,
  HOLD = 16, UNHOLD = 17, VIDUPDATE = 18, SRCUPDATE = 20, CONNECTED_LINE = 22, REDIRECTING = 23,
  T38_PARAMETERS = 24, SRCCHANGE = 26, AOC = 28, INCOMPLETE = 30, MCID = 31,
  STOP_INDICATIONS = -1,
}

/** Information element types (RFC 5456 §8.6; spec §3.2). 55-57 are Asterisk extensions. */
export enum IeType {
  CALLED_NUMBER = 1, CALLING_NUMBER = 2, CALLING_ANI = 3, CALLING_NAME = 4, CALLED_CONTEXT = 5,
  USERNAME = 6, PASSWORD = 7, CAPABILITY = 8, FORMAT = 9, LANGUAGE = 10, VERSION = 11, ADSICPE = 12,
  DNID = 13, AUTHMETHODS = 14, CHALLENGE = 15, MD5_RESULT = 16, RSA_RESULT = 17, APPARENT_ADDR = 18,
  REFRESH = 19, DPSTATUS = 20, CALLNO = 21, CAUSE = 22, IAX_UNKNOWN = 23, MSGCOUNT = 24, AUTOANSWER = 25,
  MUSICONHOLD = 26, TRANSFERID = 27, RDNIS = 28, PROVISIONING = 29, AESPROVISIONING = 30, DATETIME = 31,
  DEVICETYPE = 32, SERVICEIDENT = 33, FIRMWAREVER = 34, FWBLOCKDESC = 35, FWBLOCKDATA = 36, PROVVER = 37,
  CALLINGPRES = 38, CALLINGTON = 39, CALLINGTNS = 40, SAMPLINGRATE = 41, CAUSECODE = 42, ENCRYPTION = 43,
  ENCKEY = 44, CODEC_PREFS = 45, RR_JITTER = 46, RR_LOSS = 47, RR_PKTS = 48, RR_DELAY = 49, RR_DROPPED = 50,
  RR_OOO = 51, VARIABLE = 52, OSPTOKEN = 53, CALLTOKEN = 54, CAPABILITY2 = 55, FORMAT2 = 56, CALLINGANI2 = 57,
}

/** AUTHMETHODS bits (RFC 5456 §8.6.13). */
export const AuthMethod = { PLAINTEXT: 1, MD5: 2, RSA: 4 } as const;

/** One raw information element as it sits on the wire: type, then up to 255 bytes. */
export interface RawIe {
  readonly type: number;
  readonly data: Uint8Array;
}

/** A full frame (RFC 5456 §8.1.1): reliable, sequenced, 12-byte header. */
export interface FullFrame {
  readonly kind: 'full';
  /** 15-bit source call number (F bit removed). */
  readonly sourceCall: number;
  /** 15-bit destination call number (R bit removed). */
  readonly destCall: number;
  /** The R bit: this is a retransmission. */
  readonly retransmit: boolean;
  /** 32-bit unsigned ms. */
  readonly timestamp: number;
  readonly oseqno: number;
  readonly iseqno: number;
  /** Byte 10. Kept as a number: unknown types must survive decoding (they are skipped, never fatal). */
  readonly frameType: number;
  /** Uncompressed subclass (spec §1.2): 0xFF → -1; for VOICE/VIDEO a power of two, possibly above 2^31 (bigint-safe via subclassBit). */
  readonly subclass: number;
  /**
   * For compressed subclasses, the power of two (0-63). Lets VOICE formats above bit 31 (Opus, 34) be exact.
   * On decoded VOICE/VIDEO frames it is always the format bit, also for bits 0-6 which travel uncompressed.
   * On encode it wins over `subclass` and is written in canonical form (bits 0-6 as the plain value).
   */
  readonly subclassBit?: number;
  /** VIDEO only: Asterisk's end-of-frame marker (bit 6 of the subclass byte). */
  readonly videoMarker?: boolean;
  /** Everything after the header: the IE block for IAX frames, raw bytes otherwise. */
  readonly payload: Uint8Array;
}

/** A mini voice frame (RFC 5456 §8.1.2): 4-byte header, low 16 bits of the timestamp. */
export interface MiniFrame {
  readonly kind: 'mini';
  readonly sourceCall: number;
  readonly timestamp16: number;
  readonly payload: Uint8Array;
}

/** A meta video frame (RFC 5456 §8.1.3): parsed so it can be dropped knowingly. */
export interface MetaVideoFrame {
  readonly kind: 'video';
  readonly sourceCall: number;
  readonly marker: boolean;
  readonly timestamp15: number;
  readonly payload: Uint8Array;
}

export interface TrunkEntry {
  /** The sender's source call number. */
  readonly sourceCall: number;
  /** Present in the "trunk timestamps" variant (cmddata bit 0); absent for supermini entries. */
  readonly timestamp16?: number;
  readonly payload: Uint8Array;
}

/** A meta trunk frame (spec §1.5), both entry variants. */
export interface MetaTrunkFrame {
  readonly kind: 'trunk';
  readonly timestamp: number;
  readonly withTimestamps: boolean;
  readonly entries: readonly TrunkEntry[];
}

export type Datagram = FullFrame | MiniFrame | MetaVideoFrame | MetaTrunkFrame;

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };
