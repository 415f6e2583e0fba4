// Every frame kind, subclass and IE the client (or our scripted test peer) sends, encoded by our wire layer,
// written to a pcap by trace/pcap.ts, and decoded by Wireshark's IAX2 dissector (tshark): the independent
// decode must give back the type, subclass and IE values we put in, with nothing malformed or unknown.
import { beforeAll, expect, it } from 'vitest';
import { traceEntryFrom } from '../../../../electron/core/iax2/trace/format.js';
import { pcapFile, type PcapPacket } from '../../../../electron/core/iax2/trace/pcap.js';
import { maskOf, low32, prefsString, formatMaskOf } from '../../../../electron/core/iax2/wire/formats.js';
import { encodeFullFrame, encodeMiniFrame, encodeMetaVideoFrame, encodeTrunkFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { IeWriter, encodeApparentAddr, encodeDateTime, encodeMsgCount } from '../../../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import type { CodecName } from '../../../../electron/core/media/codec.js';
import { field, tsharkAvailable, tsharkCheckTrace, tsharkDecode, tsharkProblems, type TsharkPacket } from '../../../support/tshark.js';
import { describeWithPeer } from '../../../support/peers.js';

type Expected = string | number | bigint;

/** Builds an IE block and remembers which tshark field should show which value for each IE. */
class Ies {
  readonly w = new IeWriter();
  readonly expected: Array<{ id: number; field: string; value: Expected }> = [];
  private add(id: number, f: string, value: Expected): this {
    this.expected.push({ id, field: f, value });
    return this;
  }
  str(t: IeType, s: string, f: string): this { this.w.string(t, s); return this.add(t, f, s); }
  u8(t: IeType, v: number, f: string): this { this.w.u8(t, v); return this.add(t, f, v); }
  u16(t: IeType, v: number, f: string): this { this.w.u16(t, v); return this.add(t, f, v); }
  u32(t: IeType, v: number, f: string): this { this.w.u32(t, v); return this.add(t, f, v); }
  u64(t: IeType, v: bigint, f: string): this { this.w.versionedU64(t, v); return this.add(t, f, v); }
  empty(t: IeType, f: string): this { this.w.empty(t); return this.add(t, f, ''); }
  raw(t: IeType, data: Uint8Array, f: string, shown: Expected): this { this.w.bytes(t, data); return this.add(t, f, shown); }
}

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** iax2 fields and the value each must decode to. */
  readonly fields: Record<string, Expected>;
  readonly ies?: Ies;
  readonly ports?: readonly [number, number];
  /** A known tshark defect this packet triggers; that problem alone is tolerated. */
  readonly dissectorBug?: RegExp;
}

const CALLS = { sourceCall: 0x0123, destCall: 0x1f40 };
let ts = 1000;
let seq = 0;
function fullBytes(frameType: number, subclass: number, payload: Uint8Array, extra: { subclassBit?: number; destCall?: number } = {}): Uint8Array {
  ts += 20;
  seq = (seq + 1) & 0xff;
  return encodeFullFrame({
    ...CALLS, destCall: extra.destCall ?? CALLS.destCall, retransmit: false, timestamp: ts, oseqno: seq, iseqno: (seq * 7) & 0xff,
    frameType, subclass, ...(extra.subclassBit !== undefined ? { subclassBit: extra.subclassBit } : {}), payload,
  });
}

function iaxCase(name: string, sub: IaxSubclass, ies: Ies = new Ies(), destCall?: number): Case {
  const bytes = fullBytes(FrameType.IAX, sub, ies.w.finish(), { destCall });
  return {
    name: `IAX ${name}`,
    bytes,
    fields: { 'iax2.type': FrameType.IAX, 'iax2.iax.subclass': sub, 'iax2.src_call': CALLS.sourceCall, 'iax2.dst_call': destCall ?? CALLS.destCall, 'iax2.timestamp': ts, 'iax2.oseqno': seq },
    ies,
  };
}

const OUR_CODECS: CodecName[] = ['ulaw', 'alaw', 'gsm', 'g722', 'slin', 'slin16', 'opus'];
const token = '1732610000?0123456789abcdef0123456789abcdef01234567';

function buildCases(): Case[] {
  const caps = maskOf(OUR_CODECS);
  const cases: Case[] = [
    iaxCase('NEW (client, every IE we send)', IaxSubclass.NEW, new Ies()
      .u16(IeType.VERSION, 2, 'iax2.iax.version')
      .str(IeType.CALLED_NUMBER, '600', 'iax2.iax.called_number')
      .str(IeType.CODEC_PREFS, prefsString(OUR_CODECS), 'iax2.iax.codecprefs')
      .str(IeType.CALLING_NUMBER, '1001', 'iax2.iax.calling_number')
      .u8(IeType.CALLINGPRES, 0x20, 'iax2.iax.callingpres')
      .u8(IeType.CALLINGTON, 0, 'iax2.iax.callington')
      .u16(IeType.CALLINGTNS, 0, 'iax2.iax.callingtns')
      .str(IeType.CALLING_NAME, 'Zoë Alice', 'iax2.iax.calling_name')
      .str(IeType.CALLING_ANI, '5551001', 'iax2.iax.calling_ani')
      .str(IeType.USERNAME, '1001', 'iax2.iax.username')
      .str(IeType.LANGUAGE, 'en', 'iax2.iax.language')
      .u16(IeType.ADSICPE, 0, 'iax2.iax.cpe_adsi')
      .u32(IeType.FORMAT, low32(formatMaskOf('ulaw')), 'iax2.iax.format')
      .u64(IeType.FORMAT2, formatMaskOf('ulaw'), 'iax2.iax.format2')
      .u32(IeType.CAPABILITY, low32(caps), 'iax2.iax.capability')
      .u64(IeType.CAPABILITY2, caps, 'iax2.iax.capability2')
      .u16(IeType.SAMPLINGRATE, 0x5, 'iax2.iax.samplingrate')
      .u16(IeType.ENCRYPTION, 0x1, 'iax2.iax.encryption')
      .u32(IeType.DATETIME, encodeDateTime({ year: 2024, month: 5, day: 17, hours: 13, minutes: 45, seconds: 30 }), 'iax2.iax.datetime.raw')
      .str(IeType.VARIABLE, 'FOO=bar', 'iax2.iax.unknownstring')
      .empty(IeType.CALLTOKEN, 'iax2.iax.unknownstring'), 0),
    iaxCase('NEW with token', IaxSubclass.NEW, new Ies().u16(IeType.VERSION, 2, 'iax2.iax.version').str(IeType.CALLTOKEN, token, 'iax2.iax.unknownstring'), 0),
    iaxCase('PING', IaxSubclass.PING),
    iaxCase('PONG with RR IEs', IaxSubclass.PONG, new Ies()
      .u32(IeType.RR_JITTER, 23, 'iax2.iax.rrjitter')
      .u32(IeType.RR_LOSS, (3 << 24) | 17, 'iax2.iax.rrloss')
      .u32(IeType.RR_PKTS, 1500, 'iax2.iax.rrpkts')
      .u16(IeType.RR_DELAY, 60, 'iax2.iax.rrdelay')
      .u32(IeType.RR_DROPPED, 4, 'iax2.iax.rrdropped')
      .u32(IeType.RR_OOO, 2, 'iax2.iax.rrooo')),
    iaxCase('ACK', IaxSubclass.ACK),
    iaxCase('HANGUP', IaxSubclass.HANGUP, new Ies().str(IeType.CAUSE, 'Normal Clearing', 'iax2.iax.cause').u8(IeType.CAUSECODE, 16, 'iax2.iax.causecode')),
    iaxCase('REJECT', IaxSubclass.REJECT, new Ies().str(IeType.CAUSE, 'Busy', 'iax2.iax.cause').u8(IeType.CAUSECODE, 17, 'iax2.iax.causecode')),
    iaxCase('ACCEPT', IaxSubclass.ACCEPT, new Ies().u32(IeType.FORMAT, low32(formatMaskOf('opus')), 'iax2.iax.format').u64(IeType.FORMAT2, formatMaskOf('opus'), 'iax2.iax.format2')),
    iaxCase('AUTHREQ', IaxSubclass.AUTHREQ, new Ies().u16(IeType.AUTHMETHODS, 3, 'iax2.iax.auth.methods').str(IeType.CHALLENGE, '123456789', 'iax2.iax.auth.challenge').str(IeType.USERNAME, '1001', 'iax2.iax.username')),
    iaxCase('AUTHREP md5', IaxSubclass.AUTHREP, new Ies().str(IeType.MD5_RESULT, '0123456789abcdef0123456789abcdef', 'iax2.iax.auth.md5')),
    iaxCase('AUTHREP plaintext', IaxSubclass.AUTHREP, new Ies().str(IeType.PASSWORD, 'secret', 'iax2.iax.password')),
    iaxCase('AUTHREP rsa', IaxSubclass.AUTHREP, new Ies().str(IeType.RSA_RESULT, 'QUJD'.repeat(43), 'iax2.iax.auth.rsa')),
    iaxCase('INVAL', IaxSubclass.INVAL),
    iaxCase('LAGRQ', IaxSubclass.LAGRQ),
    iaxCase('LAGRP', IaxSubclass.LAGRP),
    iaxCase('REGREQ', IaxSubclass.REGREQ, new Ies().str(IeType.USERNAME, '1001', 'iax2.iax.username').u16(IeType.REFRESH, 60, 'iax2.iax.refresh').str(IeType.DEVICETYPE, 'Redial', 'iax2.iax.devicetype').str(IeType.MD5_RESULT, 'fedcba9876543210fedcba9876543210', 'iax2.iax.auth.md5').str(IeType.CALLTOKEN, token, 'iax2.iax.unknownstring'), 0),
    iaxCase('REGAUTH (peer)', IaxSubclass.REGAUTH, new Ies().u16(IeType.AUTHMETHODS, 2, 'iax2.iax.auth.methods').str(IeType.CHALLENGE, '987654321', 'iax2.iax.auth.challenge').str(IeType.USERNAME, '1001', 'iax2.iax.username')),
    iaxCase('REGACK (peer)', IaxSubclass.REGACK, new Ies()
      .str(IeType.USERNAME, '1001', 'iax2.iax.username')
      .u32(IeType.DATETIME, encodeDateTime({ year: 2026, month: 11, day: 26, hours: 8, minutes: 0, seconds: 0 }), 'iax2.iax.datetime.raw')
      .raw(IeType.APPARENT_ADDR, encodeApparentAddr({ address: '203.0.113.7', port: 40123 }), 'iax2.iax.app_addr.sinaddr', '203.0.113.7')
      .u16(IeType.REFRESH, 60, 'iax2.iax.refresh')
      .u16(IeType.MSGCOUNT, encodeMsgCount(2, 3), 'iax2.iax.msg_count')
      .str(IeType.CALLING_NAME, 'Alice', 'iax2.iax.calling_name')
      .str(IeType.CALLING_NUMBER, '1001', 'iax2.iax.calling_number')
      .u16(IeType.FIRMWAREVER, 3, 'iax2.iax.firmwarever')),
    iaxCase('REGREJ (peer)', IaxSubclass.REGREJ, new Ies().str(IeType.CAUSE, 'Registration Refused', 'iax2.iax.cause').u8(IeType.CAUSECODE, 29, 'iax2.iax.causecode')),
    iaxCase('REGREL', IaxSubclass.REGREL, new Ies().str(IeType.USERNAME, '1001', 'iax2.iax.username').empty(IeType.CALLTOKEN, 'iax2.iax.unknownstring'), 0),
    iaxCase('VNAK', IaxSubclass.VNAK),
    iaxCase('DPREQ', IaxSubclass.DPREQ, new Ies().str(IeType.CALLED_NUMBER, '60', 'iax2.iax.called_number')),
    iaxCase('DPREP (peer)', IaxSubclass.DPREP, new Ies().str(IeType.CALLED_NUMBER, '60', 'iax2.iax.called_number').u16(IeType.DPSTATUS, 0x8002, 'iax2.iax.dialplan_status').u16(IeType.REFRESH, 60, 'iax2.iax.refresh')),
    iaxCase('DIAL', IaxSubclass.DIAL, new Ies().str(IeType.CALLED_NUMBER, '600', 'iax2.iax.called_number')),
    iaxCase('TXREQ (peer)', IaxSubclass.TXREQ, new Ies().u16(IeType.CALLNO, 77, 'iax2.iax.call_no').u32(IeType.TRANSFERID, 123456, 'iax2.iax.transferid').raw(IeType.APPARENT_ADDR, encodeApparentAddr({ address: '198.51.100.2', port: 4569 }), 'iax2.iax.app_addr.sinaddr', '198.51.100.2')),
    iaxCase('TXREJ', IaxSubclass.TXREJ),
    iaxCase('QUELCH', IaxSubclass.QUELCH, new Ies().empty(IeType.MUSICONHOLD, 'iax2.iax.moh')),
    iaxCase('UNQUELCH', IaxSubclass.UNQUELCH),
    iaxCase('POKE', IaxSubclass.POKE, new Ies().empty(IeType.CALLTOKEN, 'iax2.iax.unknownstring'), 0),
    iaxCase('MWI', IaxSubclass.MWI, new Ies().u16(IeType.MSGCOUNT, encodeMsgCount(0, 1), 'iax2.iax.msg_count')),
    iaxCase('UNSUPPORT', IaxSubclass.UNSUPPORT, new Ies().raw(IeType.IAX_UNKNOWN, Uint8Array.of(0x63), 'iax2.iax.iax_unknown', '63')),
    iaxCase('TRANSFER', IaxSubclass.TRANSFER, new Ies().str(IeType.CALLED_NUMBER, '700', 'iax2.iax.called_number').str(IeType.CALLED_CONTEXT, 'from-internal', 'iax2.iax.called_context')),
    iaxCase('CALLTOKEN (peer)', IaxSubclass.CALLTOKEN, new Ies().str(IeType.CALLTOKEN, token, 'iax2.iax.unknownstring')),
    iaxCase('NEW (peer, incoming)', IaxSubclass.NEW, new Ies()
      .u16(IeType.VERSION, 2, 'iax2.iax.version')
      .str(IeType.CALLED_NUMBER, '1001', 'iax2.iax.called_number')
      .str(IeType.DNID, '1001', 'iax2.iax.dnid')
      .str(IeType.RDNIS, '2000', 'iax2.iax.rdnis')
      .str(IeType.CALLED_CONTEXT, 'default', 'iax2.iax.called_context')
      .empty(IeType.AUTOANSWER, 'iax2.iax.autoanswer')
      .u32(IeType.FORMAT, 0xc, 'iax2.iax.format')
      .u32(IeType.CAPABILITY, 0xffff, 'iax2.iax.capability')
      .empty(IeType.CALLTOKEN, 'iax2.iax.unknownstring'), 0),
  ];
  cases.push(iaxCase('PROVISION (IEs only IAXy provisioning uses; the client never sends them)', IaxSubclass.PROVISION, new Ies()
    .str(IeType.PROVISIONING, 'prov', 'iax2.iax.provisioning')
    .str(IeType.AESPROVISIONING, 'aes', 'iax2.iax.aesprovisioning')
    .str(IeType.SERVICEIDENT, 'iaxy', 'iax2.iax.serviceident')
    .u32(IeType.FWBLOCKDESC, 7, 'iax2.iax.fwblockdesc')
    .str(IeType.FWBLOCKDATA, 'fw', 'iax2.iax.fwblockdata')
    .u32(IeType.PROVVER, 9, 'iax2.iax.provver')
    .str(IeType.ENCKEY, 'key', 'iax2.iax.enckey')
    .raw(IeType.OSPTOKEN, Uint8Array.of(0x31, 0x41, 0x42), 'iax2.iax.unknownstring', '1AB')));
  // Every IAX subclass, bare, decodes to its number (including the ones only servers or IAXy devices send).
  for (const sub of Object.values(IaxSubclass).filter((v): v is number => typeof v === 'number')) {
    cases.push({ ...iaxCase(`bare ${IaxSubclass[sub]}`, sub), ies: undefined });
  }
  for (const sub of Object.values(ControlSubclass).filter((v): v is number => typeof v === 'number')) {
    const payload = sub === ControlSubclass.HOLD ? new TextEncoder().encode('default') : new Uint8Array(0);
    cases.push({ name: `CONTROL ${ControlSubclass[sub]}`, bytes: fullBytes(FrameType.CONTROL, sub, payload), fields: { 'iax2.type': FrameType.CONTROL, 'iax2.control.subclass': sub === -1 ? 255 : sub } });
  }
  for (const digit of '0123456789*#ABCD') {
    cases.push({ name: `DTMF_BEGIN ${digit}`, bytes: fullBytes(FrameType.DTMF_BEGIN, digit.charCodeAt(0), new Uint8Array(0)), fields: { 'iax2.type': FrameType.DTMF_BEGIN, 'iax2.dtmf.subclass': digit } });
    cases.push({ name: `DTMF ${digit}`, bytes: fullBytes(FrameType.DTMF, digit.charCodeAt(0), new Uint8Array(0)), fields: { 'iax2.type': FrameType.DTMF, 'iax2.dtmf.subclass': digit } });
  }
  for (const codec of OUR_CODECS) {
    const mask = formatMaskOf(codec);
    const bit = Number(mask.toString(2).length - 1);
    cases.push({
      name: `VOICE ${codec}`,
      bytes: fullBytes(FrameType.VOICE, 2 ** bit, new Uint8Array(160).fill(0x55), { subclassBit: bit }),
      fields: { 'iax2.type': FrameType.VOICE, 'iax2.voice.codec': mask, 'iax2.voice.subclass': bit < 7 ? 1 << bit : 0x80 | bit },
    });
  }
  cases.push({ name: 'TEXT', bytes: fullBytes(FrameType.TEXT, 0, new TextEncoder().encode('hello é\0')), fields: { 'iax2.type': FrameType.TEXT, 'iax2.text.text': 'hello é' } });
  cases.push({ name: 'CNG', bytes: fullBytes(FrameType.CNG, 60, Uint8Array.of(60)), fields: { 'iax2.type': FrameType.CNG, 'iax2.subclass': 60 } });
  cases.push({ name: 'mini voice', bytes: encodeMiniFrame(CALLS.sourceCall, 0x04d2, new Uint8Array(160)), fields: { 'iax2.packet_type': 0, 'iax2.src_call': CALLS.sourceCall } });
  cases.push({ name: 'meta video (peer)', bytes: encodeMetaVideoFrame({ sourceCall: 9, marker: true, timestamp15: 77, payload: new Uint8Array(20) }), fields: { 'iax2.src_call': 9, 'iax2.video.mini_marker': 1 } });
  cases.push({
    name: 'meta trunk with timestamps (peer)',
    bytes: encodeTrunkFrame({ timestamp: 5000, withTimestamps: true, entries: [{ sourceCall: 5, timestamp16: 400, payload: new Uint8Array(160) }, { sourceCall: 6, timestamp16: 420, payload: new Uint8Array(160) }] }),
    fields: { 'iax2.trunk.metacmd': 1, 'iax2.trunk.cmddata.ts': 1, 'iax2.trunk.ncalls': 2, 'iax2.trunk.call.scallno': 5 },
  });
  cases.push({
    name: 'meta trunk supermini (peer)',
    bytes: encodeTrunkFrame({ timestamp: 5000, withTimestamps: false, entries: [{ sourceCall: 7, payload: new Uint8Array(33) }] }),
    fields: { 'iax2.trunk.metacmd': 1, 'iax2.trunk.cmddata.ts': 0, 'iax2.timestamp': 5000 },
    // tshark 4.0's dissect_trunkcall_nots() sizes each entry's subtree as len + 6 instead of len + 4, so the last
    // supermini entry always runs past the packet and is flagged malformed. Its field order is ours (callno, len).
    dissectorBug: /^malformed$|^expert error: Malformed Packet/,
  });
  // The same NEW on a non-standard port pair: decodes only with -d udp.port==N,iax2.
  const n = cases[0];
  cases.push({ ...n, name: 'NEW on port 45000 (decode-as)', ports: [45001, 45000] });
  return cases;
}

function matches(actual: string | undefined, expected: Expected): boolean {
  if (actual === undefined) return false;
  if (typeof expected === 'string') return actual === expected;
  try {
    return BigInt(actual) === BigInt(expected);
  } catch {
    return false;
  }
}

const cases = buildCases();
let packets: TsharkPacket[] = [];

describeWithPeer('tshark', tsharkAvailable(), 'tshark decodes everything we send', () => {
  beforeAll(async () => {
    const pcap = pcapFile(cases.map((c, i): PcapPacket => ({
      datagram: c.bytes,
      src: { address: '127.0.0.1', port: c.ports?.[0] ?? 40000 },
      dst: { address: '127.0.0.1', port: c.ports?.[1] ?? 4569 },
      atMs: 1_700_000_000_000 + i * 20,
    })));
    packets = await tsharkDecode(pcap, { ports: [45000] });
  });

  it('one decoded packet per case', () => {
    expect(packets).toHaveLength(cases.length);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = cases[i];
    const p = packets[i];
    expect(tsharkProblems(p).filter((x) => !c.dissectorBug?.test(x)).join('; ')).toBe('');
    for (const [f, v] of Object.entries(c.fields)) {
      expect(matches(field(p, f), v), `${f}: tshark ${field(p, f)} vs ours ${String(v)}`).toBe(true);
    }
    if (c.ies) {
      expect(p.ies.map((ie) => ie.id)).toEqual(c.ies.expected.map((e) => e.id));
      c.ies.expected.forEach((e, k) => {
        const ie = p.ies[k];
        const got = ie.fields.get(e.field)?.[0];
        expect(matches(got, e.value), `IE ${e.id} ${e.field}: tshark ${got} vs ours ${String(e.value)}`).toBe(true);
        expect(ie.length).toBe(c.ies?.w.raw()[k].data.length);
      });
    }
  });

  it('shows DATETIME as the date we packed', () => {
    const ie = packets[0].ies.find((x) => x.id === IeType.DATETIME);
    expect(ie?.fields.get('iax2.iax.datetime')?.[0]).toMatch(/May 17, 2024 13:45:30/);
  });
});

describeWithPeer('tshark', tsharkAvailable(), 'tsharkCheckTrace over a trace on non-standard ports', () => {
  it('finds nothing wrong with a clean exchange, and flags a broken frame', async () => {
    const local = { address: '127.0.0.1', port: 40001 };
    const peer = { address: '127.0.0.1', port: 45555 };
    const frames: Array<['tx' | 'rx', Uint8Array]> = [
      ['tx', cases[0].bytes],
      ['rx', encodeFullFrame({ sourceCall: 9, destCall: 0x123, retransmit: false, timestamp: 3, oseqno: 0, iseqno: 1, frameType: FrameType.IAX, subclass: IaxSubclass.ACCEPT, payload: new IeWriter().u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 4n).finish() })],
      ['tx', encodeMiniFrame(0x123, 20, new Uint8Array(160))],
      // An IE whose length overruns the frame: tshark must report it.
      ['rx', Uint8Array.of(0x80, 9, 0x01, 0x23, 0, 0, 0, 9, 1, 1, 6, 5, 0x16, 0x09, 0x41)],
    ];
    const entries = frames.map(([dir, b], i) => traceEntryFrom(dir, b, peer, 1_700_000_000_000 + i * 20));
    const checks = await tsharkCheckTrace(entries, local);
    expect(checks.map((c) => c.problems.length > 0)).toEqual([false, false, false, true]);
    expect(checks[3].problems.join('; ')).toMatch(/malformed|expert (error|warning)/);
    expect(field(checks[1].packet as TsharkPacket, 'iax2.iax.subclass')).toBe(String(IaxSubclass.ACCEPT));
  });
});
