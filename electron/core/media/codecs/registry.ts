// One place to look our codec implementations up by name (their IAX2 identities: iax2/wire/formats.ts).

import type { CodecFactory, CodecName } from '../codec.js';
import { alawCodec, ulawCodec } from './g711.js';
import { g722Codec } from './g722.js';
import { gsmCodec } from './gsm.js';
import { opusCodec } from './opus.js';
import { slin16Codec, slinCodec } from './slin.js';

const FACTORIES: Readonly<Record<CodecName, CodecFactory>> = {
  ulaw: ulawCodec,
  alaw: alawCodec,
  gsm: gsmCodec,
  g722: g722Codec,
  slin: slinCodec('big'),
  slin16: slin16Codec('little'),
  opus: opusCodec({ pcmRate: 16000 }),
};

/** The factory for a codec with the default options (slin BE, slin16 LE, Opus at 16 kHz PCM). */
export function codecFactory(name: CodecName): CodecFactory {
  const f = FACTORIES[name];
  if (!f) throw new Error(`unknown codec '${String(name)}'`);
  return f;
}
