// Two engines over loopback UDP in this process: one places calls with BulkPhoneMedia (a tone from the shared media
// clock), the other answers with EchoPhoneMedia (every frame straight back). What comes back must be the tone.
import { afterEach, describe, expect, it } from 'vitest';
import { createIax2Engine, type Iax2EngineImpl } from '../../../electron/core/iax2/engine.js';
import type { CallHandle } from '../../../electron/core/iax2/engine-api.js';
import { ToneWatch } from '../../../electron/core/media/analysis/audio-watch.js';
import { BlockAnalyzer } from '../../../electron/core/media/analysis/block-analyzer.js';
import { BulkPhoneMedia } from '../../../electron/core/phone/bulk-phone-media.js';
import { EchoPhoneMedia } from '../../../electron/core/phone/echo-phone-media.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../../support/scripted-peer-calls-net.js';
import { until } from '../../support/wait.js';

interface End { engine: Iax2EngineImpl; socket: LoopbackUdpPort }
const ends: End[] = [];

async function end(): Promise<End> {
  const socket = await LoopbackUdpPort.bind(0);
  const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0, unregisterTimeoutMs: 100 });
  const e = { engine, socket };
  ends.push(e);
  return e;
}

afterEach(async () => {
  for (const e of ends.splice(0)) { await e.engine.shutdown(); await e.socket.close(); }
});

describe('BulkPhoneMedia against EchoPhoneMedia', () => {
  it('carries several calls on one media clock; each hears its own tone back', async () => {
    const caller = await end();
    const callee = await end();
    const echo = new EchoPhoneMedia();
    callee.engine.setAcceptDirectCalls(true, ['ulaw']);
    callee.engine.on('incoming', (c) => { c.answer(); void echo.startCall(c); });
    const bulk = new BulkPhoneMedia({ clock: systemClock });
    const calls: CallHandle[] = [];
    const watches: ToneWatch[] = [];
    const hz = [600, 900, 1300];
    for (const f of hz) {
      const call = caller.engine.dial({ number: 'echo', codecs: ['ulaw'],
        account: { id: `d${f}`, server: `127.0.0.1:${callee.engine.localPort}`, username: 'load', register: false, codecs: ['ulaw'] } });
      calls.push(call);
      await until('answered', () => call.state === 'up', 5000);
      const media = await bulk.startCall(call);
      media.play(await media.sounds.tone([f], -10, 'ulaw'), true);
      const watch = new ToneWatch({ hz: f, toleranceHz: 10, minMs: 400, minLevelDbfs: -30 });
      watches.push(watch);
      const analyzer = new BlockAnalyzer(media.sampleRate, (b) => { watch.feed(b); });
      media.listen((pcm) => analyzer.push(pcm));
    }
    expect(bulk.clock.size).toBe(3);
    await until('every call hears its tone', () => watches.every((w) => w.satisfied), 5000);
    expect(echo.activeCalls).toBe(3);
    const stats = bulk.mediaOf(calls[0].id)!.stats();
    expect(stats.framesSent).toBeGreaterThan(20);
    expect(stats.framesReceived).toBeGreaterThan(10);
    for (const c of calls) c.hangup();
    await until('calls ended', () => calls.every((c) => c.state === 'ended'), 5000);
    await bulk.close();
    expect(bulk.clock.size).toBe(0);
    expect(bulk.activeCalls).toBe(0);
  });

  it('plays a sound for a number of frames, then calls back', async () => {
    const caller = await end();
    const callee = await end();
    callee.engine.setAcceptDirectCalls(true, ['ulaw']);
    callee.engine.on('incoming', (c) => c.answer());
    const bulk = new BulkPhoneMedia({ clock: systemClock });
    const call = caller.engine.dial({ number: 'x', codecs: ['ulaw'],
      account: { id: 'd', server: `127.0.0.1:${callee.engine.localPort}`, username: 'load', register: false, codecs: ['ulaw'] } });
    await until('answered', () => call.state === 'up', 5000);
    const media = await bulk.startCall(call);
    const sent0 = media.stats().framesSent;
    let endedAt: number | undefined;
    media.play(await media.sounds.tone([440], -10, 'ulaw'), true, 5, () => { endedAt = media.stats().framesSent; });
    await until('played', () => endedAt !== undefined, 2000);
    // onEnd runs in the tick that sends the fifth frame, just before it goes out.
    expect(endedAt! - sent0).toBe(4);
    call.hangup();
    await bulk.close();
  });
});
