// The renderer's wording and logs, in Node: the card that explains how a call ended, the short registration chip
// words, server ports for the Wireshark hint, and the debug log that keeps signalling when voice floods in.
// (The store's own tests: renderer-store.test.ts.)

import { describe, expect, it } from 'vitest';
import { account, call, history } from '../../e2e/support/views.js';
import type { AccountView, CallEndView, CallView, HistoryEntry, RegistrationView, TraceView } from '../../../electron/shared/api.js';
import { TraceLog } from '../../../renderer/state/trace-log.js';
import { endHeadline, endReason, type EndedCall } from '../../../renderer/lib/call-end.js';
import { regShort } from '../../../electron/shared/registration-words.js';
import { serverPort } from '../../../renderer/lib/server-port.js';


describe('call end wording', () => {
  const ended = (over: { call?: Partial<CallView>; end?: CallEndView; history?: Partial<HistoryEntry> }): EndedCall =>
    ({ call: call(over.call), end: over.end ?? { by: 'remote' }, history: history(over.history), at: 0 });

  it('says who ended the call when nothing went wrong', () => {
    expect(endReason(ended({ end: { by: 'local' }, history: { outcome: 'answered' } }))).toBe('You hung up.');
    expect(endReason(ended({ end: { by: 'local' }, history: { outcome: 'cancelled' } }))).toBe('You cancelled the call.');
    expect(endReason(ended({ end: { by: 'remote' }, history: { outcome: 'answered' } }))).toBe('The other side hung up.');
    expect(endReason(ended({ call: { direction: 'incoming' }, end: { by: 'remote' }, history: { outcome: 'missed' } })))
      .toBe('The caller hung up before you answered.');
    expect(endReason(ended({ end: { by: 'network' }, history: { outcome: 'answered' } }))).toBe('The connection to the server was lost.');
    expect(endHeadline(ended({ history: { outcome: 'answered' } }))).toBe('Call ended');
    expect(endHeadline(ended({ end: { by: 'remote', error: { code: 'no-route', message: 'm' } }, history: { outcome: 'failed' } }))).toBe('No such number');
    expect(endHeadline(ended({ end: { by: 'remote', error: { code: 'weird', message: 'm' } }, history: { outcome: 'failed' } }))).toBe('Call failed');
  });

  it('tells a missed call as missed, not in the words meant for the caller', () => {
    // Asterisk's Dial() gave up ringing us: HANGUP with cause 19, which the engine words for the one who called.
    const gaveUp = ended({ call: { direction: 'incoming' }, end: { by: 'remote', error: { code: 'no-answer', message: 'Nobody answered.' } },
      history: { outcome: 'missed' } });
    expect([endHeadline(gaveUp), endReason(gaveUp)]).toEqual(['Missed', 'The caller hung up before you answered.']);
    // Our own ring timeout ended it.
    const timedOut = ended({ call: { direction: 'incoming' }, end: { by: 'local' }, history: { outcome: 'missed' } });
    expect([endHeadline(timedOut), endReason(timedOut)]).toEqual(['Missed', 'Not answered: the phone stopped ringing.']);
    // The same cause on a call we made is still "No answer".
    const ours = ended({ end: { by: 'remote', error: { code: 'no-answer', message: 'Nobody answered.' } }, history: { outcome: 'failed' } });
    expect([endHeadline(ours), endReason(ours)]).toEqual(['No answer', 'Nobody answered.']);
  });

  it('explains a transfer and a call Do Not Disturb refused', () => {
    const held = ended({ end: { by: 'remote' }, history: { outcome: 'transferred', transferredTo: '1002' } });
    expect([endHeadline(held), endReason(held)]).toEqual(['Transferred', 'Handed over to 1002.']);
    const consulted = ended({ end: { by: 'local' }, history: { outcome: 'transferred' } });
    expect(endReason(consulted)).toBe('You left the call after putting the held caller through.');
    const refused = ended({ call: { direction: 'incoming' }, end: { by: 'local', cause: 'Busy', causeCode: 17 },
      history: { outcome: 'missed', reason: 'dnd', cause: 'Do not disturb' } });
    expect([endHeadline(refused), endReason(refused)]).toEqual(['Missed', 'Refused as busy: Do Not Disturb is on.']);
  });
});

describe('registration chip words', () => {
  it('fits a failure into a few words and keeps the full sentence elsewhere', () => {
    const failed = (code: string): RegistrationView => ({ accountId: 'a1', status: 'failed', server: 's', error: { code, message: 'The server refused the password for user "1002". Check…' } });
    expect(regShort(failed('auth-failed'), account())).toBe('wrong password');
    expect(regShort(failed('no-answer'), account())).toBe('server not answering');
    expect(regShort(failed('something-new'), account())).toBe('not registered');
    expect(regShort({ accountId: 'a1', status: 'registered', server: 's' }, account())).toBe('registered');
    expect(regShort(undefined, account({ enabled: false }))).toBe('disabled');
  });
});

describe('serverPort', () => {
  it('reads the port of host, host:port and [v6]:port', () => {
    expect(serverPort('pbx.example.org')).toBe(4569);
    expect(serverPort('127.0.0.1:4570')).toBe(4570);
    expect(serverPort('[2001:db8::1]:4571')).toBe(4571);
    expect(serverPort('[2001:db8::1]')).toBe(4569);
  });
});

describe('TraceLog with voice', () => {
  const entry = (seq: number, kind: TraceView['kind']): TraceView => ({
    seq, direction: 'rx', at: 0, retry: false, peer: { address: '127.0.0.1', port: 4570 }, kind, timestamp: seq, sourceCall: 1,
    ies: [], payloadBytes: kind === 'full' ? 0 : 160, text: `${kind} ${seq}`,
    ...(kind === 'full' ? { frameType: 'IAX', subclass: 'NEW', oseqno: 0, iseqno: 0 } : {}),
  } as TraceView);

  it('keeps the signalling when a call floods it with voice frames, and merges both in order', () => {
    const log = new TraceLog(100, 50);
    log.push(entry(1, 'full'));
    for (let s = 2; s < 1000; s++) log.push(entry(s, s % 250 === 0 ? 'full' : 'mini'));
    const rows = log.toArray();
    expect(rows.filter((r) => r.entry.kind === 'full').map((r) => r.entry.seq)).toEqual([1, 250, 500, 750]);
    expect(log.voiceSize).toBe(50);
    expect(log.size).toBe(54);
    const seqs = rows.map((r) => r.entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBe(999);
  });
});
