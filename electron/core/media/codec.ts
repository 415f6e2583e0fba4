// The codec port, after werift's serialize/deserialize split: an encoder turns one frame of PCM into
// one payload, a decoder turns one payload (any whole number of codec frames, spec §6.6) into PCM.
// Encoders and decoders are stateful objects, one per call direction.

export type CodecName = 'ulaw' | 'alaw' | 'gsm' | 'g722' | 'slin' | 'slin16' | 'opus';

export interface CodecInfo {
  readonly name: CodecName;
  /** IAX2 format bit (spec §6.1). BigInt because Opus is bit 34. */
  readonly formatBit: bigint;
  /** CODEC_PREFS letter (spec §6.3): not derived from the bit number. */
  readonly prefChar: string;
  /** Audio sample rate of the PCM the codec consumes and produces. */
  readonly sampleRate: number;
  /** Our packetisation: ms of audio per IAX2 frame we send. */
  readonly frameMs: number;
  /** Human name for the UI and the trace. */
  readonly label: string;
}

export interface AudioEncoder {
  readonly info: CodecInfo;
  /** `pcm` holds exactly info.sampleRate * info.frameMs / 1000 samples. */
  encode(pcm: Int16Array): Uint8Array;
  close(): void;
}

export interface AudioDecoder {
  readonly info: CodecInfo;
  /** Decodes a payload of any whole number of frames; throws a clear Error on a malformed payload. */
  decode(payload: Uint8Array): Int16Array;
  /** Duration in ms of a payload without decoding it (spec §6.6), for timestamps and the jitter buffer. */
  durationMs(payload: Uint8Array): number;
  /** Packet loss concealment for `samples` missing samples, continuing the decoder's own state where it can. */
  conceal(samples: number): Int16Array;
  close(): void;
}

export interface CodecFactory {
  readonly info: CodecInfo;
  createEncoder(): Promise<AudioEncoder>;
  createDecoder(): Promise<AudioDecoder>;
}
