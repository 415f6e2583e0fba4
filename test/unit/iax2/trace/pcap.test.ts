import { describe, expect, it } from 'vitest';
import { traceEntryFrom } from '../../../../electron/core/iax2/trace/format.js';
import { LINKTYPE_RAW, ipUdpPacket, pcapFile, pcapFromTrace, pcapGlobalHeader, pcapRecord } from '../../../../electron/core/iax2/trace/pcap.js';
import { encodeFullFrame, encodeMiniFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { IeWriter } from '../../../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import { field, tsharkAvailable, tsharkDecode } from '../../../support/tshark.js';
import { describeWithPeer } from '../../../support/peers.js';

const CLIENT = { address: '127.0.0.1', port: 40000 };
const SERVER = { address: '127.0.0.1', port: 4569 };

function poke(ts: number): Uint8Array {
  return encodeFullFrame({ sourceCall: 5, destCall: 0, retransmit: false, timestamp: ts, oseqno: 0, iseqno: 0, frameType: FrameType.IAX, subclass: IaxSubclass.POKE, payload: new IeWriter().empty(IeType.CALLTOKEN).finish() });
}

describe('pcap byte layout', () => {
  it('global header: LE magic, v2.4, snaplen, LINKTYPE_RAW', () => {
    const h = new DataView(pcapGlobalHeader().buffer);
    expect(h.byteLength).toBe(24);
    expect(h.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect([h.getUint16(4, true), h.getUint16(6, true)]).toEqual([2, 4]);
    expect(h.getUint32(16, true)).toBe(65535);
    expect(h.getUint32(20, true)).toBe(LINKTYPE_RAW);
  });

  it('record: timestamps, lengths, IPv4 header checksum verifies to zero', () => {
    const d = poke(10);
    const rec = pcapRecord(d, CLIENT, SERVER, 1_700_000_123_456.789);
    const v = new DataView(rec.buffer);
    expect(v.getUint32(0, true)).toBe(1_700_000_123);
    expect(v.getUint32(4, true)).toBe(456_789);
    expect(v.getUint32(8, true)).toBe(20 + 8 + d.length);
    expect(v.getUint32(12, true)).toBe(20 + 8 + d.length);
    const ip = rec.subarray(16, 36);
    expect(ip[0]).toBe(0x45);
    expect(new DataView(ip.buffer, ip.byteOffset).getUint16(2)).toBe(20 + 8 + d.length);
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum).toBe(0xffff);
    const udp = new DataView(rec.buffer, 36, 8);
    expect([udp.getUint16(0), udp.getUint16(2), udp.getUint16(4)]).toEqual([40000, 4569, 8 + d.length]);
    expect(Array.from(rec.subarray(44))).toEqual(Array.from(d));
  });

  it('IPv6 packets carry a 40-byte header and a mandatory UDP checksum', () => {
    const p = ipUdpPacket(poke(1), { address: '::1', port: 4569 }, { address: '2001:db8::7', port: 4570 });
    expect(p[0] >> 4).toBe(6);
    expect(new DataView(p.buffer).getUint16(4)).toBe(8 + poke(1).length);
    expect(new DataView(p.buffer).getUint16(46)).not.toBe(0);
  });

  it('rejects names and mixed families', () => {
    expect(() => ipUdpPacket(poke(1), { address: 'pbx.example.com', port: 1 }, SERVER)).toThrow(/numeric/);
    expect(() => ipUdpPacket(poke(1), { address: '::1', port: 1 }, SERVER)).toThrow(/one family/);
  });

  it('pcapFromTrace copes with wildcard/dual-stack local addresses and IPv4-mapped peers', () => {
    const mapped = traceEntryFrom('rx', poke(3), { address: '::ffff:127.0.0.1', port: 4569 }, 10);
    const v6 = traceEntryFrom('tx', poke(4), { address: '::1', port: 4569 }, 20);
    const file = pcapFromTrace([mapped, v6], { address: '0.0.0.0', port: 40000 });
    expect(file.length).toBe(24 + (16 + 28 + poke(3).length) + (16 + 48 + poke(4).length));
    const first = file.subarray(24 + 16);
    expect(first[0] >> 4).toBe(4);
    expect(Array.from(first.subarray(12, 20))).toEqual([127, 0, 0, 1, 0, 0, 0, 0]);
    const second = file.subarray(24 + 16 + 28 + poke(3).length + 16);
    expect(second[0] >> 4).toBe(6);
  });

  it('pcapFromTrace puts tx as local→peer and rx as peer→local, skipping entries without raw bytes', () => {
    const tx = traceEntryFrom('tx', poke(1), SERVER, 100);
    const rx = traceEntryFrom('rx', poke(2), SERVER, 150);
    const { raw: _r, ...stripped } = rx;
    const file = pcapFromTrace([tx, rx, stripped], CLIENT, 1_000_000);
    expect(file.length).toBe(24 + 2 * (16 + 28 + poke(1).length));
    const first = new DataView(file.buffer, 24 + 16 + 20, 4);
    expect(first.getUint16(0)).toBe(40000);
    const second = new DataView(file.buffer, 24 + (16 + 28 + poke(1).length) + 16 + 20, 4);
    expect(second.getUint16(0)).toBe(4569);
  });
});

describeWithPeer('tshark', tsharkAvailable(), 'tshark reads our pcap', () => {
  it('as IAX2 over IPv4 and IPv6, with valid IP and UDP checksums, at the stamped times', async () => {
    const packets = [
      { datagram: poke(10), src: CLIENT, dst: SERVER, atMs: 1_700_000_000_000 },
      { datagram: encodeMiniFrame(5, 30, new Uint8Array(160)), src: CLIENT, dst: SERVER, atMs: 1_700_000_000_020.5 },
      { datagram: poke(11), src: { address: '::1', port: 40000 }, dst: { address: '::1', port: 4569 }, atMs: 1_700_000_000_040 },
      { datagram: poke(12), src: { address: '127.0.0.1', port: 4569 }, dst: { address: '127.0.0.1', port: 4569 }, atMs: 1_700_000_000_041 },
    ];
    const decoded = await tsharkDecode(pcapFile(packets), {
      extraArgs: ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'],
    });
    expect(decoded).toHaveLength(packets.length);
    decoded.forEach((p, i) => {
      expect(p.protocols).toContain('iax2');
      expect(p.malformed).toBe(false);
      expect(p.experts.filter((e) => e.severity !== 'chat')).toEqual([]);
      expect(field(p, 'iax2.src_call')).toBe('5');
      // 1 = "Good" in tshark's checksum status enumeration (0 bad, 2 unverified).
      if (p.protocols.includes('ip')) expect(p.allFields.get('ip.checksum.status')).toEqual(['1']);
      expect(p.allFields.get('udp.checksum.status')).toEqual(['1']);
      expect(i < 2 || i === 3 ? p.protocols.includes('ip') : p.protocols.includes('ipv6')).toBe(true);
    });
    expect(field(decoded[0], 'iax2.iax.subclass')).toBe(String(IaxSubclass.POKE));
    expect(field(decoded[1], 'iax2.packet_type')).toBe('0');
  });
});
