// Direct calls under attack (docs/security.md §7): a listener that takes calls from anyone (`redial listen` without a
// server, the app's "accept direct calls") demands a call token before a NEW costs it anything, never answers with
// more bytes than it was sent before that, answers POKE and stray frames only to addresses it has business with,
// sends voice only to a caller that shows it receives us, and still takes a real call during a spoofed NEW flood.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeDatagram, encodeFullFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame } from '../../electron/core/iax2/wire/types.js';
import { startDirectCaller, startDirectListener, type DirectCaller, type DirectListener } from '../support/direct-listener.js';
import { describeWithPeer } from '../support/peers.js';
import { spoofFlood, spoofingAvailable } from '../support/spoof-flood.js';
import { sleep, until } from '../support/wait.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function listener(options: Parameters<typeof startDirectListener>[0] = {}): Promise<DirectListener> {
  const l = await startDirectListener(options);
  cleanup.push(() => l.close());
  return l;
}

async function caller(): Promise<DirectCaller> {
  const c = await startDirectCaller();
  cleanup.push(() => c.close());
  return c;
}

/** A bare socket that sends what the test forges and records what comes back, never answering. */
async function rawPeer(): Promise<{ socket: Socket; port: number; got: Uint8Array[] }> {
  const socket = createSocket('udp4');
  const got: Uint8Array[] = [];
  socket.on('message', (m) => got.push(new Uint8Array(m)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise((r) => socket.close(() => r())));
  return { socket, port: socket.address().port, got };
}

function newFrame(source: number, ies: IeWriter, oseqno = 0): Uint8Array {
  return encodeFullFrame({ sourceCall: source, destCall: 0, retransmit: false, timestamp: 7, oseqno, iseqno: 0,
    frameType: FrameType.IAX, subclass: IaxSubclass.NEW, payload: ies.finish() });
}

/** A NEW as a softphone sends it; `token`: undefined = no CALLTOKEN IE, '' = empty (asks for one). */
function callerIes(token: string | Uint8Array | undefined): IeWriter {
  const w = new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '1001').string(IeType.CALLING_NUMBER, '6001')
    .string(IeType.CALLING_NAME, 'Test Caller').u32(IeType.FORMAT, 4).u32(IeType.CAPABILITY, 4);
  if (token === undefined) return w;
  return typeof token === 'string' ? w.string(IeType.CALLTOKEN, token) : w.bytes(IeType.CALLTOKEN, token);
}

const full = (d: Uint8Array): FullFrame => {
  const r = decodeDatagram(d);
  if (!r.ok || r.value.kind !== 'full') throw new Error('not a full frame');
  return r.value;
};

describe('direct calls need a call token', () => {
  it('a real caller gets through: its first NEW draws a CALLTOKEN from call number 1, no larger than the NEW', async () => {
    const l = await listener({ answer: true });
    const c = await caller();
    const sent: Uint8Array[] = [];
    const replies: Uint8Array[] = [];
    c.engine.on('trace', (t) => { if (t.raw && t.kind === 'full') (t.direction === 'tx' ? sent : replies).push(t.raw); });
    const { call } = await c.call(l.port);
    expect(call.state).toBe('up');
    const firstReply = full(replies[0]!);
    expect([firstReply.sourceCall, firstReply.subclass]).toEqual([1, IaxSubclass.CALLTOKEN]);
    expect(replies[0]!.length).toBeLessThanOrEqual(sent[0]!.length);
    expect(l.incoming).toHaveLength(1);
  });

  it('a NEW without call-token support is refused with a 12-byte REJECT, and opens nothing', async () => {
    const l = await listener();
    const p = await rawPeer();
    const request = newFrame(500, callerIes(undefined));
    p.socket.send(request, l.port, '127.0.0.1');
    await until('reply', () => p.got.length > 0);
    expect(full(p.got[0]!)).toMatchObject({ sourceCall: 1, destCall: 500, subclass: IaxSubclass.REJECT });
    expect(p.got[0]!.length).toBe(12);
    expect(l.engine.stateSizes().dialogs).toBe(0);
    expect(l.incoming).toEqual([]);
  });

  it('with the documented opt-in (call tokens optional), a caller without token support rings', async () => {
    const l = await listener({ callTokens: 'optional' });
    const p = await rawPeer();
    p.socket.send(newFrame(501, callerIes(undefined)), l.port, '127.0.0.1');
    await until('rings', () => l.incoming.length === 1);
  });

  it('forged tokens, and tokens issued to another source port, are refused with a 12-byte REJECT', async () => {
    const l = await listener();
    const a = await rawPeer();
    const b = await rawPeer();
    a.socket.send(newFrame(600, callerIes('')), l.port, '127.0.0.1');
    await until('token', () => a.got.length === 1);
    const token = IeReader.fromPayload(full(a.got[0]!).payload);
    const issued = token.ok ? token.value.bytes(IeType.CALLTOKEN) : undefined;
    expect(issued?.length).toBeGreaterThan(10);
    // b replays a's token; a sends a made-up one.
    b.socket.send(newFrame(601, callerIes(issued!)), l.port, '127.0.0.1');
    a.socket.send(newFrame(602, callerIes('1a2b3c?AAAAAAAAAAAAAAAA')), l.port, '127.0.0.1');
    await until('two refusals', () => a.got.length === 2 && b.got.length === 1);
    for (const r of [a.got[1]!, b.got[0]!]) {
      expect(full(r)).toMatchObject({ sourceCall: 1, subclass: IaxSubclass.REJECT });
      expect(r.length).toBe(12);
    }
    expect(l.engine.stateSizes().dialogs).toBe(0);
    // a's own token still works for a.
    a.socket.send(newFrame(603, callerIes(issued!)), l.port, '127.0.0.1');
    await until('rings', () => l.incoming.length === 1);
  });

  it('before the token round trip nothing is sent that is larger than the request; NEWs too small get nothing', async () => {
    const l = await listener();
    const peers = await Promise.all(Array.from({ length: 6 }, () => rawPeer()));
    const requests: number[] = [];
    peers.forEach((p, i) => {
      const frames = [
        newFrame(700 + i, callerIes('')), // asks for a token
        newFrame(710 + i, new IeWriter().u16(IeType.VERSION, 2).empty(IeType.CALLTOKEN)), // 18 bytes: too small for one
        newFrame(720 + i, callerIes(undefined)), // refused
        newFrame(730 + i, callerIes('junk?token')), // refused
        encodeFullFrame({ sourceCall: 740 + i, destCall: 0, retransmit: false, timestamp: 1, oseqno: 0, iseqno: 0,
          frameType: FrameType.IAX, subclass: IaxSubclass.NEW, payload: new Uint8Array(0) }), // header only
      ];
      for (const f of frames) { requests.push(f.length); p.socket.send(f, l.port, '127.0.0.1'); }
    });
    await until('all handled', () => l.socket.rxPackets === requests.length);
    // Replies are sent synchronously on receipt (so `sent` is complete); wait for the four answered ones to land.
    await until('the replies landed', () => peers.every((p) => p.got.length >= 4));
    const received = requests.reduce((a, b) => a + b, 0);
    const sent = l.socket.sentExcept([]);
    expect(sent.bytes).toBeLessThanOrEqual(received);
    for (const p of peers) {
      // Token for the full NEW, REJECT for the tokenless, forged and header-only ones; nothing for the tiny one.
      expect(p.got.map((g) => full(g).subclass).sort()).toEqual([IaxSubclass.REJECT, IaxSubclass.REJECT, IaxSubclass.REJECT,
        IaxSubclass.CALLTOKEN].sort());
    }
  });
});

describe('stateless answers only to those we have business with', () => {
  it('POKE, PING and frames for unknown call numbers from a stranger draw nothing; a verified caller\'s POKE draws a PONG', async () => {
    const l = await listener({ answer: true });
    const stranger = await rawPeer();
    const stateless = (subclass: number, dest = 0): Uint8Array => encodeFullFrame({ sourceCall: 900, destCall: dest,
      retransmit: false, timestamp: 3, oseqno: 0, iseqno: 0, frameType: FrameType.IAX, subclass, payload: new Uint8Array(0) });
    for (const f of [stateless(IaxSubclass.POKE), stateless(IaxSubclass.PING), stateless(IaxSubclass.LAGRQ),
      stateless(IaxSubclass.HANGUP, 12345)]) stranger.socket.send(f, l.port, '127.0.0.1');
    await until('handled', () => l.socket.rxPackets === 4);
    // Replies go out synchronously on receipt: nothing sent by now means nothing will reach the stranger.
    expect(l.socket.sentExcept([]).packets).toBe(0);
    expect(stranger.got).toEqual([]);

    // A caller that did the token round trip is known for a while: its POKE (qualify) is answered.
    const c = await caller();
    await c.call(l.port);
    const before = l.socket.txTo.get(`127.0.0.1:${c.endpoint.port}`)?.packets ?? 0;
    const pongs: FullFrame[] = [];
    c.engine.on('trace', (t) => { if (t.direction === 'rx' && t.raw && t.kind === 'full' && t.subclass === 'PONG') pongs.push(full(t.raw)); });
    // The caller's own socket sends the POKE (as Asterisk's qualify would), from its verified address.
    (c.engine as unknown as { transport: { sendPoke(e: { address: string; port: number }): void } }).transport.sendPoke({ address: '127.0.0.1', port: l.port });
    await until('PONG', () => (l.socket.txTo.get(`127.0.0.1:${c.endpoint.port}`)?.packets ?? 0) > before);
  });
});

describe('voice goes only to a caller that receives us', () => {
  it('a call from a spoofed address (legacy, tokenless, auto-answered) sends no voice to that address', async () => {
    const l = await listener({ callTokens: 'optional', answer: true });
    const victim = await rawPeer(); // receives, never answers: it did not place this call
    victim.socket.send(newFrame(800, callerIes(undefined)), l.port, '127.0.0.1');
    await until('answered', () => l.incoming[0]?.state === 'up');
    const call = l.incoming[0]!;
    for (let i = 0; i < 50; i++) { call.sendVoice(new Uint8Array(160).fill(0x55), 20); await sleep(2); }
    const voice = victim.got.filter((g) => (g[0]! & 0x80) === 0 || full(g).frameType === FrameType.VOICE);
    expect(voice).toEqual([]);
    expect(l.engine.stateSizes().voiceWithheld).toBe(50);
    // What the victim got is signalling only (ACCEPT, RINGING, ANSWER and their retransmissions): a few hundred bytes.
    expect(victim.got.reduce((n, g) => n + g.length, 0)).toBeLessThan(1000);
  });

  it('a caller that stops acknowledging stops getting voice', async () => {
    const l = await listener({ answer: true, peerSilentMs: 300 });
    const c = await caller();
    const { call: ours } = await c.call(l.port);
    const theirs = l.incoming[0]!;
    let received = 0;
    ours.on('voice', () => { received++; });
    for (let i = 0; i < 5; i++) { theirs.sendVoice(new Uint8Array(160).fill(1), 20); await sleep(5); }
    await until('voice flows', () => received >= 4);
    // The caller vanishes (no HANGUP: a crash, a cable pulled); our next reliable frame goes unanswered.
    c.vanish();
    theirs.sendText('are you there?');
    // Once the peer has been silent for 300 ms past that frame, voice is withheld: probe with one frame at a time.
    await until('voice withheld from the silent caller', () => {
      const before = l.engine.stateSizes().voiceWithheld;
      theirs.sendVoice(new Uint8Array(160).fill(1), 20);
      return l.engine.stateSizes().voiceWithheld > before;
    }, 5000);
    const withheldBefore = l.engine.stateSizes().voiceWithheld;
    for (let i = 0; i < 10; i++) theirs.sendVoice(new Uint8Array(160).fill(1), 20);
    expect(l.engine.stateSizes().voiceWithheld - withheldBefore).toBe(10);
  });
});

describeWithPeer('raw sockets (root, python3)', spoofingAvailable(), 'a spoofed NEW flood', () => {
  it('5,000 NEW/s from forged source ports for 2 s: a real call still sets up, no dialog is opened for the flood, '
    + 'and it draws no more bytes than it sent', async () => {
    const l = await listener({ answer: true });
    const c = await caller();
    const flood = spoofFlood(l.port, 5000, 2);
    await until('flood arriving', () => l.socket.rxPackets > 500, 5000);
    const { setupMs, call } = await c.call(l.port);
    expect(call.state).toBe('up');
    const peakDialogs = l.engine.stateSizes().dialogs;
    const result = await flood;
    expect(result.sent).toBeGreaterThan(8000);
    expect(peakDialogs).toBe(1);
    const toFlood = l.socket.sentExcept([c.endpoint]);
    expect(toFlood.bytes).toBeLessThanOrEqual(result.bytes);
    // Still responsive afterwards: a second call.
    const again = await c.call(l.port);
    expect(again.call.state).toBe('up');
    process.stderr.write(`[adversarial] flood ${result.sent} NEWs in ${result.seconds} s: call set up in ${setupMs.toFixed(0)} ms; `
      + `amplification ${(toFlood.bytes / result.bytes).toFixed(2)} (${toFlood.packets} replies)\n`);
  });
});
