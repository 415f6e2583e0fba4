// Interop with an independent IAX2 implementation: Debian's iaxmodem (libiax2). Runs the real `redial` command
// against it in both directions, checks the audio it sends reaches our recording, and has Wireshark's dissector
// (tshark) decode every frame redial sent.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IaxModem, iaxmodemAvailable } from '../support/iaxmodem.js';
import { freeUdpPort } from '../support/udp-port.js';
import { ensureBuilt, startCli, type RunningCli } from '../support/cli.js';
import { tsharkAvailable, tsharkDecodeFile, tsharkProblems } from '../support/tshark.js';
import { decodeWav } from '../../electron/core/media/wav.js';
import { toneAmplitude } from '../support/signals.js';
import { describeWithPeer } from '../support/peers.js';

const available = iaxmodemAvailable() && tsharkAvailable();

/** Every frame redial sent (source port = ours) decodes in tshark as IAX2 with nothing malformed or unknown. */
async function expectCleanCapture(pcap: string, ourPort: number, peerPort: number): Promise<number> {
  const packets = await tsharkDecodeFile(pcap, { ports: [ourPort, peerPort] });
  const ours = packets.filter((p) => p.allFields.get('udp.srcport')?.[0] === String(ourPort));
  expect(ours.length).toBeGreaterThan(10);
  for (const p of ours) expect(tsharkProblems(p), `frame ${p.number}`).toEqual([]);
  return ours.length;
}

function recordedLevels(path: string, freqs: readonly number[]): { seconds: number; amp: Record<number, number> } {
  const wav = decodeWav(readFileSync(path));
  expect(wav.channels).toBe(1);
  const pcm = wav.samples;
  const amp: Record<number, number> = {};
  for (const f of freqs) amp[f] = toneAmplitude(pcm, wav.sampleRate, f);
  return { seconds: pcm.length / wav.sampleRate, amp };
}

describeWithPeer('iaxmodem and tshark (Debian packages)', available, 'redial against iaxmodem (libiax2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redial-iaxmodem-'));
  let modem: IaxModem | undefined;
  let cli: RunningCli | undefined;

  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    cli?.kill('SIGKILL');
    await modem?.stop();
    modem = undefined;
    cli = undefined;
  });

  it('calls iaxmodem, records its 2100 Hz answer tone, and hangs up', async () => {
    const modemPort = await freeUdpPort();
    const ourPort = await freeUdpPort();
    modem = new IaxModem({ name: `rdm${process.pid}a`, port: modemPort, serverPort: ourPort });
    await modem.start();
    await modem.autoAnswer();
    await modem.idle();
    const rec = join(dir, 'out-a.wav');
    const pcap = join(dir, 'out-a.pcap');
    cli = startCli(['call', `iax:redial@127.0.0.1:${modemPort}/100`, '--port', String(ourPort), '--json',
      '--codec', 'ulaw', '--record', rec, '--pcap', pcap, '--hangup-after', '5', '--input-device', 'fake']);
    const answered = await cli.waitForEvent((e) => e.event === 'answered');
    expect(answered.codec).toBe('ulaw');
    const code = await cli.exited();
    expect(code, cli.stderr()).toBe(0);
    const hangup = cli.events.find((e) => e.event === 'hangup');
    expect(hangup).toMatchObject({ by: 'local' });
    await modem.waitFor('NO CARRIER', 5000);
    expect(Number(hangup?.durationSeconds)).toBeGreaterThan(4);
    const stats = cli.events.filter((e) => e.event === 'stats').at(-1);
    expect(Number(stats?.framesReceived)).toBeGreaterThan(150);
    // CED: the fax answer tone, 2100 Hz, for about 3 s after answering (docs/testing.md §1.2).
    const { seconds, amp } = recordedLevels(rec, [2100, 1000, 400]);
    expect(seconds).toBeGreaterThan(4);
    expect(amp[2100]).toBeGreaterThan(500);
    expect(amp[2100]).toBeGreaterThan(20 * Math.max(amp[1000] ?? 0, amp[400] ?? 0));
    await expectCleanCapture(pcap, ourPort, modemPort);
  }, 60_000);

  it('receives a call from iaxmodem on `redial listen`, answers it, records its calling tone, and sees the caller hang up', async () => {
    const modemPort = await freeUdpPort();
    const ourPort = await freeUdpPort();
    const rec = join(dir, 'out-b.wav');
    const pcap = join(dir, 'out-b.pcap');
    cli = startCli(['listen', '--port', String(ourPort), '--json', '--answer', 'auto', '--record', rec,
      '--pcap', pcap, '--max-calls', '1', '--input-device', 'fake', '--calltoken', 'optional']);
    await cli.waitForEvent((e) => e.event === 'started');
    modem = new IaxModem({ name: `rdm${process.pid}b`, port: modemPort, serverPort: ourPort });
    await modem.start();
    await modem.dial('600');
    const incoming = await cli.waitForEvent((e) => e.event === 'incoming');
    expect(incoming.number).toBe('600');
    expect(incoming.from).toBe('5551000');
    expect(incoming.fromName).toBe('IAXmodem');
    await cli.waitForEvent((e) => e.event === 'answered');
    // Let the calling modem send its CNG tone (1100 Hz, 0.5 s on / 3 s off), then hang up from its side.
    await new Promise((r) => setTimeout(r, 3000));
    await modem.hangUp();
    const hangup = await cli.waitForEvent((e) => e.event === 'hangup', 15_000);
    expect(hangup.by).toBe('remote');
    expect(hangup.cause).toBe('Normal disconnect');
    expect(await cli.exited()).toBe(0);
    // CNG: the calling fax tone, 1100 Hz, 0.5 s on / 3 s off.
    const { amp } = recordedLevels(rec, [1100, 2100, 500]);
    expect(amp[1100]).toBeGreaterThan(100);
    expect(amp[1100]).toBeGreaterThan(5 * Math.max(amp[2100] ?? 0, amp[500] ?? 0));
    await expectCleanCapture(pcap, ourPort, modemPort);
  }, 60_000);
});
