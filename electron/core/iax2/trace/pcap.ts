// Pcap export of the trace: the classic libpcap file format with LINKTYPE_RAW (each record an IPv4 or IPv6
// packet), the IP and UDP headers built around each datagram so Wireshark/tshark dissect it as IAX2 (its
// dissector sits on UDP port 4569; for other ports, `-d udp.port==N,iax2`). Pure byte builders, no I/O.
import { parseIpv4, parseIpv6 } from '../wire/ip-address.js';
import type { TraceEntry } from '../trace-types.js';
import { redactDatagram } from './redact.js';

/** LINKTYPE_RAW: the record starts with the IP header; the version nibble says v4 or v6. */
export const LINKTYPE_RAW = 101;
/** IANA port of IAX2, where Wireshark's dissector is registered. */
export const IAX2_PORT = 4569;

export interface PcapEndpoint {
  /** Numeric IPv4 or IPv6 address. */
  readonly address: string;
  readonly port: number;
}

const SNAPLEN = 65535;

/** The 24-byte global header (little-endian magic 0xa1b2c3d4, version 2.4, microsecond timestamps). */
export function pcapGlobalHeader(linkType: number = LINKTYPE_RAW): Uint8Array {
  const out = new Uint8Array(24);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // thiszone
  v.setUint32(12, 0, true); // sigfigs
  v.setUint32(16, SNAPLEN, true);
  v.setUint32(20, linkType, true);
  return out;
}

/** Internet checksum (RFC 1071) over several byte ranges, as if concatenated (each range even-aligned but the last). */
function internetChecksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd === undefined) odd = p[i];
      else {
        sum += (odd << 8) | p[i];
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function udpHeader(src: PcapEndpoint, dst: PcapEndpoint, payloadLength: number): Uint8Array {
  checkPort(src.port);
  checkPort(dst.port);
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint16(0, src.port);
  v.setUint16(2, dst.port);
  v.setUint16(4, 8 + payloadLength);
  return h;
}

function checkPort(p: number): void {
  if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new Error(`port ${p} is outside 0-65535`);
}

/** One IP/UDP packet carrying `datagram` from src to dst, with correct lengths and checksums. */
export function ipUdpPacket(datagram: Uint8Array, src: PcapEndpoint, dst: PcapEndpoint): Uint8Array {
  const udpLength = 8 + datagram.length;
  if (udpLength > 0xffff) throw new Error(`datagram of ${datagram.length} bytes does not fit in UDP`);
  const udp = udpHeader(src, dst, datagram.length);
  const s4 = parseIpv4(src.address);
  const d4 = parseIpv4(dst.address);
  if (s4 && d4) {
    const ip = new Uint8Array(20);
    const v = new DataView(ip.buffer);
    ip[0] = 0x45; // version 4, 5 words
    v.setUint16(2, 20 + udpLength);
    v.setUint16(6, 0x4000); // don't fragment
    ip[8] = 64; // TTL
    ip[9] = 17; // UDP
    ip.set(s4, 12);
    ip.set(d4, 16);
    v.setUint16(10, internetChecksum([ip]));
    const pseudo = new Uint8Array(12);
    pseudo.set(s4, 0);
    pseudo.set(d4, 4);
    pseudo[9] = 17;
    new DataView(pseudo.buffer).setUint16(10, udpLength);
    setUdpChecksum(udp, internetChecksum([pseudo, udp, datagram]));
    return concat([ip, udp, datagram]);
  }
  const s6 = parseIpv6(src.address);
  const d6 = parseIpv6(dst.address);
  if (s6 && d6) {
    const ip = new Uint8Array(40);
    const v = new DataView(ip.buffer);
    v.setUint32(0, 0x60000000);
    v.setUint16(4, udpLength);
    ip[6] = 17;
    ip[7] = 64;
    ip.set(s6, 8);
    ip.set(d6, 24);
    const pseudo = new Uint8Array(40);
    pseudo.set(s6, 0);
    pseudo.set(d6, 16);
    new DataView(pseudo.buffer).setUint32(32, udpLength);
    pseudo[39] = 17;
    setUdpChecksum(udp, internetChecksum([pseudo, udp, datagram]));
    return concat([ip, udp, datagram]);
  }
  throw new Error(`cannot build a packet from ${src.address} to ${dst.address}: both must be numeric and of one family`);
}

function setUdpChecksum(udp: Uint8Array, sum: number): void {
  // A computed 0 is sent as 0xffff: 0 means "no checksum" (RFC 768).
  new DataView(udp.buffer, udp.byteOffset).setUint16(6, sum === 0 ? 0xffff : sum);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One pcap record (16-byte record header + the IP/UDP packet) stamped `atMs` milliseconds after the epoch. */
export function pcapRecord(datagram: Uint8Array, src: PcapEndpoint, dst: PcapEndpoint, atMs: number): Uint8Array {
  const packet = ipUdpPacket(datagram, src, dst);
  const header = new Uint8Array(16);
  const v = new DataView(header.buffer);
  const ms = Math.max(0, atMs);
  let sec = Math.floor(ms / 1000);
  let usec = Math.round((ms - sec * 1000) * 1000);
  if (usec >= 1_000_000) {
    sec += 1;
    usec -= 1_000_000;
  }
  v.setUint32(0, sec >>> 0, true);
  v.setUint32(4, usec, true);
  v.setUint32(8, packet.length, true);
  v.setUint32(12, packet.length, true);
  return concat([header, packet]);
}

export interface PcapPacket {
  readonly datagram: Uint8Array;
  readonly src: PcapEndpoint;
  readonly dst: PcapEndpoint;
  readonly atMs: number;
}

/** A whole pcap file: the global header and one record per packet. */
export function pcapFile(packets: Iterable<PcapPacket>): Uint8Array {
  const parts: Uint8Array[] = [pcapGlobalHeader()];
  for (const p of packets) parts.push(pcapRecord(p.datagram, p.src, p.dst, p.atMs));
  return concat(parts);
}

/** "::ffff:1.2.3.4" → "1.2.3.4": dual-stack sockets report IPv4 peers that way. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

/**
 * Secret-bearing IEs (PASSWORD, CHALLENGE, MD5_RESULT, …; redact.ts) are overwritten in every record, lengths kept,
 * unless `keepSecrets` (only for debugging one's own server; docs/security.md).
 */
export interface PcapSecrets {
  readonly keepSecrets?: boolean;
}

/**
 * The pcap record of one trace entry that still carries its raw bytes (engine side), secrets redacted; undefined for
 * entries without raw bytes or whose peer address is not numeric. `local` is our socket's endpoint; `epochMs` is
 * added to the entry's clock time to give a wall-clock stamp (entries use the monotonic clock). When `local` is of
 * the other address family than the peer (a wildcard or dual-stack bind), our side is the unspecified address of the
 * peer's family.
 */
export function pcapRecordOfEntry(e: TraceEntry, local: PcapEndpoint, epochMs = 0, secrets: PcapSecrets = {}): Uint8Array | undefined {
  if (!e.raw) return undefined;
  const localAddress = unmapped(local.address);
  const localIsV4 = parseIpv4(localAddress) !== undefined;
  const peer = { address: unmapped(e.peer.address), port: e.peer.port };
  const peerIsV4 = parseIpv4(peer.address) !== undefined;
  if (!peerIsV4 && parseIpv6(peer.address) === undefined) return undefined;
  const us = { address: peerIsV4 === localIsV4 ? localAddress : peerIsV4 ? '0.0.0.0' : '::', port: local.port };
  const datagram = secrets.keepSecrets === true ? e.raw : redactDatagram(e.raw);
  return pcapRecord(datagram, e.direction === 'tx' ? us : peer, e.direction === 'tx' ? peer : us, epochMs + e.at);
}

/** A whole pcap of trace entries, one record each as {@link pcapRecordOfEntry} builds it (secrets redacted). */
export function pcapFromTrace(entries: Iterable<TraceEntry>, local: PcapEndpoint, epochMs = 0, secrets: PcapSecrets = {}): Uint8Array {
  const parts: Uint8Array[] = [pcapGlobalHeader()];
  for (const e of entries) {
    const record = pcapRecordOfEntry(e, local, epochMs, secrets);
    if (record) parts.push(record);
  }
  return concat(parts);
}
