// The renderer's pure helpers, in Node: ring buffer, trace log de-duplication, Asterisk-style frame lines,
// dial input parsing, account form validation/conversion, formatters, and the icon kept in sync.
// (Lives under fixtures/ because tsconfig.node.json cannot include renderer/ files; tsconfig.renderer.json
// type-checks the helpers themselves.)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceView } from '../../../electron/shared/api.js';
import { accountInput } from '../../../electron/shared/api-guards.js';
import { draftFrom, emptyDraft, inputFrom, moveItem, validateDraft, type AccountDraft } from '../../../renderer/lib/account-form.js';
import { asciiDigits, normaliseNumber, parseDialInput, sameServer } from '../../../renderer/lib/dial-input.js';
import { planLink } from '../../../renderer/lib/link-plan.js';
import { formatDbfs, formatDuration, meterFraction } from '../../../renderer/lib/format.js';
import { RingBuffer } from '../../../renderer/lib/ring-buffer.js';
import { formatTraceLines, isEncryptedFrame, matchesFilter } from '../../../renderer/lib/trace-format.js';
import { ENCRYPTED_MARK } from '../../../electron/core/iax2/trace/format.js';
import { TraceLog } from '../../../renderer/state/trace-log.js';
import { ICON_SVG } from '../../../renderer/icon.js';
import { repoRoot } from '../../e2e/support/renderer-build.js';
import { account } from '../../e2e/support/views.js';

function frame(seq: number, over: Partial<TraceView> = {}): TraceView {
  return {
    seq, direction: 'tx', at: 0, retry: false, peer: { address: '127.0.0.1', port: 4569 }, kind: 'full', oseqno: 1, iseqno: 2,
    frameType: 'IAX', subclass: 'REGREQ', timestamp: 3, sourceCall: 17, destCall: 0,
    ies: [{ type: 6, name: 'USERNAME', value: 'alice' }, { type: 19, name: 'REFRESH', value: '60' }], payloadBytes: 14, text: '', ...over,
  };
}

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items in order and counts the dropped ones', () => {
    const rb = new RingBuffer<number>(3);
    for (let i = 1; i <= 7; i++) rb.push(i);
    expect(rb.toArray()).toEqual([5, 6, 7]);
    expect(rb.size).toBe(3);
    expect(rb.dropped).toBe(4);
    expect(rb.at(0)).toBe(5);
    expect(rb.at(3)).toBeUndefined();
    rb.clear();
    expect(rb.toArray()).toEqual([]);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

describe('TraceLog', () => {
  it('is bounded, keeps each seq once, and splits the engine text into lines', () => {
    const log = new TraceLog(4);
    log.seed([frame(3, { text: 'a\nb\n' }), frame(1), frame(2)]);
    log.push(frame(2)); // duplicate of a seeded frame
    for (let s = 4; s <= 9; s++) log.push(frame(s));
    const rows = log.toArray();
    expect(rows.map((r) => r.entry.seq)).toEqual([6, 7, 8, 9]);
    expect(log.dropped).toBe(5);
    const seeded = new TraceLog(10);
    seeded.seed([frame(3, { text: 'first\n   second\n' })]);
    expect(seeded.toArray()[0].lines).toEqual(['first', '   second']);
  });
});

describe('formatTraceLines (fallback when the engine sent no text)', () => {
  it('prints a full frame the way `iax2 set debug on` does', () => {
    expect(formatTraceLines(frame(1))).toEqual([
      'Tx-Frame Retry[ No] -- OSeqno: 001 ISeqno: 002 Type: IAX     Subclass: REGREQ',
      '   Timestamp: 00003ms  SCall: 00017  DCall: 00000 [127.0.0.1:4569]',
      '   USERNAME        : alice',
      '   REFRESH         : 60',
    ]);
    expect(formatTraceLines(frame(2, { direction: 'rx', retry: true, peer: { address: '::1', port: 4570 } }))[0]).toMatch(/^Rx-Frame Retry\[Yes\]/);
    expect(formatTraceLines(frame(2, { peer: { address: '::1', port: 4570 } }))[1]).toContain('[[::1]:4570]');
    expect(formatTraceLines(frame(3, { kind: 'mini', payloadBytes: 160, timestamp: 40 }))).toEqual(['Tx-Mini  Timestamp: 00040ms  SCall: 00017  160 bytes [127.0.0.1:4569]']);
  });

  it('filters by call, type, direction and text', () => {
    const f = frame(1);
    const lines = () => formatTraceLines(f);
    expect(matchesFilter(f, {}, lines)).toBe(true);
    expect(matchesFilter(f, { call: 17 }, lines)).toBe(true);
    expect(matchesFilter(f, { call: 18 }, lines)).toBe(false);
    expect(matchesFilter(f, { type: 'iax' }, lines)).toBe(true);
    expect(matchesFilter(f, { type: 'CONTROL' }, lines)).toBe(false);
    expect(matchesFilter(f, { type: 'mini' }, lines)).toBe(false);
    expect(matchesFilter(f, { direction: 'rx' }, lines)).toBe(false);
    expect(matchesFilter(f, { text: 'ALICE' }, lines)).toBe(true);
    expect(matchesFilter(f, { text: 'bob' }, lines)).toBe(false);
  });
});

describe('encrypted frames in the console (spec §7)', () => {
  it('recognises the engine\'s ENCRYPTED pseudo-IE, and only that', () => {
    expect(isEncryptedFrame(frame(1, { ies: [{ ...ENCRYPTED_MARK }, { type: 6, name: 'USERNAME', value: 'alice' }] }))).toBe(true);
    expect(isEncryptedFrame(frame(2, { kind: 'mini', ies: [{ ...ENCRYPTED_MARK }] }))).toBe(true);
    expect(isEncryptedFrame(frame(3))).toBe(false);
    expect(isEncryptedFrame(frame(4, { ies: [{ type: 38, name: 'ENCRYPTION', value: 'AES-128' }] }))).toBe(false);
    // The pseudo-IE is printed like any other line, so the text filter finds encrypted frames.
    const lines = formatTraceLines(frame(5, { ies: [{ ...ENCRYPTED_MARK }] }));
    expect(lines[2]).toMatch(/^ {3}ENCRYPTED\s+: AES-128/);
  });
});

describe('parseDialInput', () => {
  it('normalises pasted phone numbers and keeps extension names', () => {
    expect(normaliseNumber(' +1 (212) 555-0100 ')).toBe('+12125550100');
    expect(parseDialInput('600')).toEqual({ kind: 'number', number: '600' });
    expect(parseDialInput('voicemail')).toEqual({ kind: 'number', number: 'voicemail' });
    expect(parseDialInput('*97#')).toEqual({ kind: 'number', number: '*97#' });
    expect(parseDialInput('').kind).toBe('invalid');
    expect(parseDialInput('60 0;rm').kind).toBe('invalid');
  });

  it('parses iax: links (RFC 5456 §5.1) and refuses bad ones', () => {
    const r = parseDialInput('iax:bob@pbx.example.org:4570/7001');
    expect(r).toMatchObject({ kind: 'uri', server: 'pbx.example.org:4570', uri: { user: 'bob', host: 'pbx.example.org', number: '7001' } });
    expect(parseDialInput('IAX2://pbx.example.org/600')).toMatchObject({ kind: 'uri', server: 'pbx.example.org', uri: { number: '600' } });
    expect(parseDialInput('iax:bob:pw@pbx.example.org/1').kind).toBe('invalid');
    expect(parseDialInput('iax:pbx.example.org:99999/1').kind).toBe('invalid');
  });

  it('compares servers with the default port implied', () => {
    expect(sameServer('PBX.example.org', 'pbx.example.org:4569')).toBe(true);
    expect(sameServer('pbx.example.org:4570', 'pbx.example.org')).toBe(false);
  });

  it('reads digits of any script, and says how long a too-long number is', () => {
    expect(asciiDigits('٦٠٠ ۱۲ ２０１ ०९ 𝟎𝟗𝟘𝟡')).toBe('600 12 201 09 0909');
    expect(parseDialInput('٦٠٠')).toEqual({ kind: 'number', number: '600' });
    expect(parseDialInput('1'.repeat(300))).toEqual({ kind: 'invalid', reason: 'A number has at most 80 characters (this one has 300)' });
    expect(parseDialInput('1'.repeat(80)).kind).toBe('number');
  });
});

describe('links for the number field (planLink)', () => {
  const office = account({ id: 'a1', server: 'pbx.example.org', username: 'alice' });
  const other = account({ id: 'a2', server: 'pbx.example.org:4570', username: 'bob' });
  const plan = (text: string, accounts = [office, other]) => {
    const r = parseDialInput(text);
    if (r.kind !== 'uri') throw new Error(`not a link: ${text}`);
    return planLink(accounts, r.uri);
  };
  it('goes through the account on the same host and port, and through none when there is none', () => {
    expect(plan('iax:pbx.example.org/600').account?.id).toBe('a1');
    expect(plan('iax:pbx.example.org:4569/600').account?.id).toBe('a1');
    expect(plan('iax:pbx.example.org:4570/600').account?.id).toBe('a2');
    expect(plan('iax:pbx.example.org:4571/600').account).toBeUndefined();
    expect(plan('iax:localhost:4570/102').account).toBeUndefined();
    expect(plan('iax:pbx.example.org/600', [account({ ...office, enabled: false })]).account).toBeUndefined();
  });
  it('says what of the link is not used', () => {
    expect(plan('iax:alice@pbx.example.org/600').notes).toEqual([]);
    expect(plan('iax:carol@pbx.example.org/600?from-internal').notes).toEqual([
      'the link\'s user name "carol" is not used: you call as alice',
      'the link\'s context "from-internal" is not used: the server chooses the context of your calls',
    ]);
  });
});

describe('account form', () => {
  const valid: AccountDraft = { ...emptyDraft(), server: 'pbx.example.org:4569', username: 'alice', secret: 'pw' };

  it('accepts a complete draft and produces an input the engine guard accepts', () => {
    expect(validateDraft(valid)).toEqual({});
    const input = inputFrom(valid);
    expect(accountInput(input)).toBe(true);
    expect(input).toMatchObject({ server: 'pbx.example.org:4569', username: 'alice', secret: 'pw', codecs: ['ulaw', 'alaw'], auth: ['md5'], label: 'alice@pbx.example.org:4569' });
  });

  it('names each wrong field', () => {
    const e = validateDraft({ ...valid, server: 'iax://x', username: 'a b', refreshSeconds: '5', voicemailNumber: 'x y', codecs: valid.codecs.map((c) => ({ ...c, enabled: false })) });
    expect(Object.keys(e).sort()).toEqual(['codecs', 'refreshSeconds', 'server', 'username', 'voicemailNumber']);
    expect(validateDraft({ ...valid, server: 'h:70000' }).server).toMatch(/1–65535/);
    expect(validateDraft({ ...valid, server: '[2001:db8::1]:4569' }).server).toBeUndefined();
    expect(validateDraft({ ...valid, server: '' }).server).toMatch(/Enter the server/);
  });

  it('keeps, sets or forgets the write-only secret', () => {
    const stored = draftFrom({
      id: 'a1', label: 'L', server: 's', username: 'u', hasSecret: true, rememberSecret: true, auth: ['md5', 'plaintext'],
      callerIdName: '', callerIdNumber: '', codecs: ['g722', 'ulaw'], register: false, enabled: true, refreshSeconds: 120, voicemailNumber: '*97', encryption: 'required',
    });
    expect(stored.auth).toBe('md5+plaintext');
    expect(stored.codecs.slice(0, 3)).toEqual([{ name: 'g722', enabled: true }, { name: 'ulaw', enabled: true }, { name: 'opus', enabled: false }]);
    expect('secret' in inputFrom(stored)).toBe(false);
    expect(inputFrom({ ...stored, secret: 'new' }).secret).toBe('new');
    expect(inputFrom({ ...stored, forgetSecret: true }).secret).toBeNull();
    expect(inputFrom(stored)).toMatchObject({ id: 'a1', register: false, refreshSeconds: 120, codecs: ['g722', 'ulaw'], auth: ['md5', 'plaintext'], encryption: 'required' });
  });

  it('carries the encryption choice both ways, defaulting to off, and wants a password for it', () => {
    expect(emptyDraft().encryption).toBe('off');
    expect(inputFrom(valid).encryption).toBe('off');
    const required = { ...valid, encryption: 'required' as const };
    expect(validateDraft(required)).toEqual({});
    expect(accountInput(inputFrom(required))).toBe(true);
    expect(inputFrom(required).encryption).toBe('required');
    // The key is derived from the password (spec §7.2): no password, no encryption.
    expect(validateDraft({ ...required, secret: '' }).encryption).toMatch(/password/);
    expect(validateDraft({ ...required, secret: '', hasSecret: true }).encryption).toBeUndefined();
    expect(validateDraft({ ...valid, encryption: 'on', hasSecret: true, forgetSecret: true }).encryption).toMatch(/password/);
    expect(validateDraft({ ...valid, secret: '' }).encryption).toBeUndefined();
    expect(draftFrom(account({ encryption: 'on' })).encryption).toBe('on');
    expect(draftFrom(account()).encryption).toBe('off');
  });

  it('reorders codecs', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 5)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b'], 7, 0)).toEqual(['a', 'b']);
  });
});

describe('formatters and assets', () => {
  it('formats durations and meter levels', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(meterFraction(-60)).toBe(0);
    expect(meterFraction(0)).toBe(1);
    expect(meterFraction(-30)).toBeCloseTo(0.5);
    expect(meterFraction(-Infinity)).toBe(0);
    expect(formatDbfs(-120)).toBe('≤ -60 dBFS');
    expect(formatDbfs(-12.34)).toBe('-12.3 dBFS');
  });

  it('bundles the same icon as assets/icon.svg', () => {
    expect(ICON_SVG).toBe(readFileSync(join(repoRoot, 'assets/icon.svg'), 'utf8'));
  });
});
