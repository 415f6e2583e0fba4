// The call layer against an independent IAX2 implementation: Debian's iaxmodem (libiax2, no call tokens), driven
// through the engine API directly (the CLI-level test is iaxmodem.test.ts). Outgoing: it answers with the fax CED
// tone (2100 Hz) which must reach our 'voice' events; incoming: its NEW is ACCEPTed, answered, its CNG tone heard.
import { afterEach, expect, it } from 'vitest';
import { createIax2Engine, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { CallHandle } from '../../electron/core/iax2/engine-api.js';
import { ulawDecodeBuffer, ulawEncodeSample } from '../../electron/core/media/codecs/g711.js';
import { IaxModem, iaxmodemAvailable } from '../support/iaxmodem.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../support/scripted-peer-calls-net.js';
import { toneAmplitude } from '../support/signals.js';
import { freeUdpPort } from '../support/udp-port.js';
import { sleep, until } from '../support/wait.js';
import { watchCall } from '../support/call-rig.js';
import { describeWithPeer } from '../support/peers.js';

const available = iaxmodemAvailable();

const SILENCE = new Uint8Array(160).fill(ulawEncodeSample(0));

describeWithPeer('iaxmodem (Debian package)', available, 'calls with iaxmodem (libiax2) through the engine', () => {
  let modem: IaxModem | undefined;
  let engine: Iax2EngineImpl | undefined;
  let socket: LoopbackUdpPort | undefined;
  afterEach(async () => {
    await engine?.shutdown();
    await socket?.close();
    await modem?.stop();
    modem = undefined; engine = undefined; socket = undefined;
  });

  /** Sends 20 ms of µ-law silence every 20 ms while the call is up (libiax2 expects a media stream). */
  function pump(call: CallHandle): () => void {
    const t = setInterval(() => { if (call.state === 'up') call.sendVoice(SILENCE, 20); }, 20);
    return () => clearInterval(t);
  }

  it('dials iaxmodem, hears its 2100 Hz answer tone, hangs up', async () => {
    const modemPort = await freeUdpPort();
    socket = await LoopbackUdpPort.bind(0);
    engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
    modem = new IaxModem({ name: `rdc${process.pid}a`, port: modemPort, serverPort: socket.local.port });
    await modem.start();
    await modem.autoAnswer();
    await modem.idle();
    const call = engine.dial({ account: { id: 'm', server: `127.0.0.1:${modemPort}`, username: 'redial', codecs: ['ulaw'], register: false }, number: '100' });
    const w = watchCall(call);
    const stop = pump(call);
    await until('answered', () => call.state === 'up' || w.ended !== undefined, 15_000);
    expect(w.ended).toBeUndefined();
    expect(call.codec).toBe('ulaw');
    await sleep(2500);
    stop();
    call.hangup();
    await until('ended', () => w.ended !== undefined, 5000);
    expect(w.ended?.by).toBe('local');
    expect(w.voice.length).toBeGreaterThan(50);
    expect(w.voice.every((v) => v.codec === 'ulaw')).toBe(true);
    // Timestamps from the modem increase (un-wrapped, 20 ms frames or so).
    for (let i = 1; i < w.voice.length; i++) expect(w.voice[i]!.timestamp).toBeGreaterThanOrEqual(w.voice[i - 1]!.timestamp);
    const pcm = ulawDecodeBuffer(new Uint8Array(Buffer.concat(w.voice.map((v) => Buffer.from(v.payload)))));
    const ced = toneAmplitude(pcm, 8000, 2100);
    expect(ced).toBeGreaterThan(500);
    expect(ced).toBeGreaterThan(20 * Math.max(toneAmplitude(pcm, 8000, 1000), toneAmplitude(pcm, 8000, 400)));
    await until('dialog released', () => engine!.stateSizes().dialogs === 0, 5000);
  }, 40_000);

  it('refuses iaxmodem\'s call by default (no call-token support): one REJECT, no ringing (docs/security.md §7.3)', async () => {
    const modemPort = await freeUdpPort();
    socket = await LoopbackUdpPort.bind(0);
    engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
    engine.setAcceptDirectCalls(true);
    const incoming: CallHandle[] = [];
    engine.on('incoming', (c) => incoming.push(c));
    const sent: string[] = [];
    engine.on('trace', (t) => { if (t.direction === 'tx' && t.kind === 'full') sent.push(`${t.subclass ?? ''}/${t.sourceCall}`); });
    modem = new IaxModem({ name: `rdc${process.pid}c`, port: modemPort, serverPort: socket.local.port });
    await modem.start();
    await modem.dial('600');
    // libiax2 gives up at once on the REJECT: the modem reports it did not get through.
    await modem.waitFor(/NO CARRIER|BUSY|NO ANSWER|NO DIALTONE/, 15_000);
    expect(incoming).toEqual([]);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s === 'REJECT/1')).toBe(true);
    expect(engine.stateSizes().dialogs).toBe(0);
  }, 40_000);

  it('takes a call from iaxmodem: ACCEPT, RINGING, answer, hears its CNG tone, hangs up', async () => {
    const modemPort = await freeUdpPort();
    socket = await LoopbackUdpPort.bind(0);
    engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
    // libiax2 has no call-token support: its calls need the listener's explicit opt-in (docs/security.md §7.3).
    engine.setAcceptDirectCalls(true, undefined, 'optional');
    const incoming: CallHandle[] = [];
    engine.on('incoming', (c) => incoming.push(c));
    modem = new IaxModem({ name: `rdc${process.pid}b`, port: modemPort, serverPort: socket.local.port });
    await modem.start();
    await modem.dial('600');
    await until('incoming', () => incoming.length === 1, 10_000);
    const call = incoming[0]!;
    expect(call.number).toBe('600');
    expect(call.remote.number).toBe('5551000');
    expect(call.codec).toBe('ulaw');
    const w = watchCall(call);
    call.answer();
    const stop = pump(call);
    await sleep(3000);
    stop();
    // Once CONNECTed the modem is in online mode and ignores ATZ, so we end the call; libiax2 must ACK the HANGUP.
    call.hangup();
    await until('HANGUP acknowledged, dialog released', () => engine!.stateSizes().dialogs === 0, 5000);
    expect(w.ended?.by).toBe('local');
    expect(w.voice.length).toBeGreaterThan(100);
    // The calling fax modem's CNG tone: 1100 Hz, 0.5 s on / 3 s off.
    const pcm = ulawDecodeBuffer(new Uint8Array(Buffer.concat(w.voice.map((v) => Buffer.from(v.payload)))));
    const cng = toneAmplitude(pcm, 8000, 1100);
    expect(cng).toBeGreaterThan(50);
    expect(cng).toBeGreaterThan(5 * Math.max(toneAmplitude(pcm, 8000, 2100), toneAmplitude(pcm, 8000, 500)));
  }, 40_000);
});
