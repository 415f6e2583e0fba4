// Byte-level redaction of captures (core/iax2/trace/redact.ts) and the streaming pcap file (adapters/
// pcap-file-capture.ts): secret IEs overwritten in place with lengths kept, everything else byte-identical; the file
// written as frames come, private, and capped.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapFileCapture } from '../../../../electron/adapters/pcap-file-capture.js';
import { traceEntryFrom } from '../../../../electron/core/iax2/trace/format.js';
import { pcapFromTrace } from '../../../../electron/core/iax2/trace/pcap.js';
import { REDACTED_BYTE, redactDatagram } from '../../../../electron/core/iax2/trace/redact.js';
import { decodeDatagram, encodeFullFrame, encodeMiniFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { IeWriter, parseIes } from '../../../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import { tempDirs } from '../../../support/temp-dirs.js';

const PEER = { address: '127.0.0.1', port: 4569 };
const LOCAL = { address: '127.0.0.1', port: 40000 };

function iax(subclass: number, payload: Uint8Array): Uint8Array {
  return encodeFullFrame({ sourceCall: 100, destCall: 200, retransmit: false, timestamp: 5, oseqno: 1, iseqno: 1,
    frameType: FrameType.IAX, subclass, payload });
}

const authrep = iax(IaxSubclass.AUTHREP, new IeWriter().string(IeType.USERNAME, 'alice')
  .string(IeType.MD5_RESULT, '0123456789abcdef0123456789abcdef').string(IeType.CALLED_NUMBER, '600').finish());
const regreq = iax(IaxSubclass.REGREQ, new IeWriter().string(IeType.USERNAME, 'plain').string(IeType.PASSWORD, 'hunter2')
  .u16(IeType.REFRESH, 60).finish());
const authreq = iax(IaxSubclass.AUTHREQ, new IeWriter().u16(IeType.AUTHMETHODS, 3).string(IeType.CHALLENGE, '123456789')
  .string(IeType.USERNAME, 'alice').finish());

function ies(bytes: Uint8Array): Map<number, string> {
  const d = decodeDatagram(bytes);
  if (!d.ok || d.value.kind !== 'full') throw new Error('not a full frame');
  const parsed = parseIes(d.value.payload);
  if (!parsed.ok) throw new Error(parsed.error);
  return new Map(parsed.value.map((ie) => [ie.type, Buffer.from(ie.data).toString('latin1')]));
}

describe('redactDatagram', () => {
  it('overwrites MD5_RESULT, PASSWORD and CHALLENGE with * of the same length and leaves the rest alone', () => {
    expect(ies(redactDatagram(authrep))).toEqual(new Map([[IeType.USERNAME, 'alice'], [IeType.MD5_RESULT, '*'.repeat(32)],
      [IeType.CALLED_NUMBER, '600']]));
    expect(ies(redactDatagram(regreq)).get(IeType.PASSWORD)).toBe('*******');
    expect(ies(redactDatagram(regreq)).get(IeType.USERNAME)).toBe('plain');
    expect(ies(redactDatagram(authreq)).get(IeType.CHALLENGE)).toBe('*********');
    for (const f of [authrep, regreq, authreq]) {
      const r = redactDatagram(f);
      expect(r.length).toBe(f.length);
      expect(Array.from(r.subarray(0, 12))).toEqual(Array.from(f.subarray(0, 12)));
    }
  });

  it('never modifies its input, and returns frames without secrets unchanged', () => {
    const copy = Uint8Array.from(authrep);
    redactDatagram(authrep);
    expect(authrep).toEqual(copy);
    const poke = iax(IaxSubclass.POKE, new Uint8Array(0));
    expect(redactDatagram(poke)).toBe(poke);
    const mini = encodeMiniFrame(5, 1, new Uint8Array(160).fill(0x07));
    expect(redactDatagram(mini)).toBe(mini);
    // A TEXT frame whose payload happens to look like a PASSWORD IE is not an IE block: untouched.
    const text = encodeFullFrame({ sourceCall: 100, destCall: 200, retransmit: false, timestamp: 5, oseqno: 1, iseqno: 1,
      frameType: FrameType.TEXT, subclass: 0, payload: Uint8Array.from([IeType.PASSWORD, 2, 0x41, 0x42]) });
    expect(redactDatagram(text)).toBe(text);
  });

  it('overwrites the tail of an IE block that does not parse (we cannot tell what it holds)', () => {
    const truncated = regreq.subarray(0, regreq.length - 3); // cuts into REFRESH, after the PASSWORD
    const r = redactDatagram(truncated);
    expect(Buffer.from(r).toString('latin1')).not.toContain('hunter2');
    expect(r[r.length - 1]).toBe(REDACTED_BYTE);
    const cutInPassword = regreq.subarray(0, 12 + 2 + 5 + 2 + 3);
    expect(Buffer.from(redactDatagram(cutInPassword)).toString('latin1')).not.toContain('hun');
  });

  it('pcapFromTrace redacts by default; keepSecrets keeps the bytes as they were', () => {
    const entries = [traceEntryFrom('tx', authrep, PEER, 1), traceEntryFrom('tx', regreq, PEER, 2)];
    const redacted = Buffer.from(pcapFromTrace(entries, LOCAL));
    expect(redacted.includes(Buffer.from('0123456789abcdef'))).toBe(false);
    expect(redacted.includes(Buffer.from('hunter2'))).toBe(false);
    const kept = Buffer.from(pcapFromTrace(entries, LOCAL, 0, { keepSecrets: true }));
    expect(kept.includes(Buffer.from('0123456789abcdef'))).toBe(true);
    expect(kept.length).toBe(redacted.length);
  });
});

describe('PcapFileCapture', () => {
  const tmp = tempDirs();

  it('streams records to a private file before it is closed, redacted', async () => {
    const path = join(await tmp('redial-pcap-'), 'c.pcap');
    writeFileSync(path, 'old contents');
    chmodSync(path, 0o644);
    const capture = new PcapFileCapture({ path, local: LOCAL, epochMs: 0 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (let i = 0; i < 2000; i++) capture.add(traceEntryFrom('tx', i % 2 ? authrep : regreq, PEER, i));
    // 2000 records of ~100 bytes: past the 64 KiB batch, so most are on disk already.
    const midway = readFileSync(path);
    expect(midway.length).toBeGreaterThan(64 * 1024);
    expect(midway.readUInt32LE(0)).toBe(0xa1b2c3d4);
    capture.close();
    const file = readFileSync(path);
    expect(file.length).toBe(capture.bytes);
    expect(file.includes(Buffer.from('hunter2'))).toBe(false);
    expect(file.includes(Buffer.from('0123456789abcdef'))).toBe(false);
  });

  it('stops at its size cap with one notice, counting what it left out', async () => {
    const path = join(await tmp('redial-pcap-'), 'capped.pcap');
    const notices: string[] = [];
    const capture = new PcapFileCapture({ path, local: LOCAL, epochMs: 0, maxBytes: 10_000, onNotice: (m) => notices.push(m) });
    for (let i = 0; i < 1000; i++) capture.add(traceEntryFrom('rx', authreq, PEER, i));
    capture.close();
    const size = statSync(path).size;
    expect(size).toBeLessThanOrEqual(10_000);
    expect(size).toBeGreaterThan(9_000);
    expect(capture.droppedFrames).toBeGreaterThan(800);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/size limit/);
  });
});
