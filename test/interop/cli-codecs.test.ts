// Every codec both Redial and Asterisk 22 have, through Echo() (601) with the `redial` command: the call is
// ACCEPTed in the codec asked for (Asterisk's own view: `iax2 show channels`), and the tone we play comes back in
// the recording. Narrowband codecs carry a 1 kHz tone; wideband ones (G.722, slin16, and Opus, which Asterisk
// without codec_opus can only pass through Echo()) a 5 kHz tone, which a narrowband leg anywhere on the path
// would remove: wideband end to end.
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { CodecName } from '../../electron/core/media/codec.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt } from '../support/cli.js';
import { TONE_PRESENT, lastSeconds, readWav, redialAs, toneCoverage, writeToneWav } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';
import { untilAsync } from '../support/wait.js';

const tempDir = tempDirs();
const CODECS: readonly { codec: CodecName; hz: number; rate: number; asterisk: string }[] = [ // asterisk: its format name
  { codec: 'ulaw', hz: 1000, rate: 8000, asterisk: 'ulaw' },
  { codec: 'alaw', hz: 1000, rate: 8000, asterisk: 'alaw' },
  { codec: 'gsm', hz: 1000, rate: 8000, asterisk: 'gsm' },
  { codec: 'slin', hz: 1000, rate: 8000, asterisk: 'slin' },
  { codec: 'g722', hz: 5000, rate: 16000, asterisk: 'g722' },
  { codec: 'slin16', hz: 5000, rate: 16000, asterisk: 'slin16' },
  { codec: 'opus', hz: 5000, rate: 16000, asterisk: 'opus' },
];

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'every codec through Echo() with the redial command', () => {
  const pbx = useAsterisk();
  beforeAll(() => ensureBuilt(), 120_000);

  it.concurrent.each(CODECS)('$codec: accepted in $codec and the $hz Hz tone comes back', async ({ codec, hz, rate, asterisk }) => {
    const dir = await tempDir(`redial-codec-${codec}-`);
    writeToneWav(join(dir, 'tone.wav'), hz, 10, rate);
    const cli = redialAs(pbx(), 'alice', 'call', ['601', '--codec', codec, '--play', join(dir, 'tone.wav'),
      '--record', join(dir, 'heard.wav'), '--hangup-after', '3']);
    const answered = await cli.waitForEvent((e) => e.event === 'answered');
    expect(answered.codec).toBe(codec);
    // Asterisk's side: an IAX2 channel whose voice format is this codec (only this test uses it; the column shows
    // the format of the voice Asterisk last received, so it appears once our audio flows).
    await untilAsync(`Asterisk shows an IAX2 channel in ${asterisk}`, async () =>
      (await pbx().cli('iax2 show channels')).split('\n').some((l) => l.split(/\s+/)[8] === asterisk), 3000);
    expect(await cli.exited(), cli.stderr()).toBe(0);
    const heard = readWav(join(dir, 'heard.wav'));
    // The last 2 s of 3: the echo of what we played.
    expect(toneCoverage(lastSeconds(heard, 2), heard.sampleRate, hz)).toBeGreaterThanOrEqual(TONE_PRESENT);
  }, 20_000);
});
