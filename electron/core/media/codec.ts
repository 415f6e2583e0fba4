// The codec port, after werift's serialize/deserialize split: an encoder turns one frame of PCM into
// one payload, a decoder turns one payload (any whole number of codec frames, spec §6.6) into PCM.
// Encoders and decoders are stateful objects, one per call direction.

export type CodecName = 'ulaw' | 'alaw' | 'gsm' | 'g722' | 'slin' | 'slin16' | 'opus';

/**
 * The PCM side of one of our codec implementations. Its IAX2 identity (format bit, CODEC_PREFS letter, name shown in
 * traces) is the wire's, in the one format table (iax2/wire/formats.ts).
 */
export interface CodecInfo {
  readonly name: CodecName;
  /** Audio sample rate of the PCM the codec consumes and produces. */
  readonly sampleRate: number;
  /** Our packetisation: ms of audio per IAX2 frame we send. */
  readonly frameMs: number;
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
