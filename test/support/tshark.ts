// Runs Wireshark's IAX2 dissector (tshark, Debian package) over a pcap and returns what it decoded, so tests
// can check our bytes against an implementation we did not write (docs/testing.md §1.2). The JSON tree is flattened:
// every field name maps to all its values, IEs are listed one by one, and malformed/expert findings collected.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcapFile } from '../../electron/core/iax2/trace/pcap.js';

export interface TsharkExpert {
  /** "comment" | "chat" | "note" | "warning" | "error" (or the raw number if unknown). */
  readonly severity: string;
  readonly group: string;
  readonly message: string;
}

export interface TsharkIe {
  /** tshark's label, e.g. "Information Element: Protocol version: 0x0002". */
  readonly label: string;
  readonly id: number;
  readonly length: number;
  /** The IE's own fields (iax2.iax.*, iax2.version), flattened. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
}

export interface TsharkPacket {
  /** 1-based frame number. */
  readonly number: number;
  /** Protocol stack, e.g. ["raw", "ip", "udp", "iax2"]. */
  readonly protocols: readonly string[];
  /** Every field of the iax2 layer (including inside IEs), in document order. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
  /** Every field of every layer (frame, ip, udp, iax2...). */
  readonly allFields: ReadonlyMap<string, readonly string[]>;
  readonly ies: readonly TsharkIe[];
  /** `_ws.malformed` appeared anywhere in the packet. */
  readonly malformed: boolean;
  /** Expert infos of any severity. */
  readonly experts: readonly TsharkExpert[];
}

// tshark's JSON gives expert severities as epan's PI_* numbers.
const SEVERITIES: Readonly<Record<string, string>> = {
  '1048576': 'comment', '2097152': 'chat', '4194304': 'note', '6291456': 'warning', '8388608': 'error',
};
function severityName(raw: string): string {
  return SEVERITIES[raw] ?? raw;
}

let availability: boolean | undefined;

/** True when the tshark binary runs here. */
export function tsharkAvailable(): boolean {
  if (availability === undefined) {
    try {
      execFileSync('tshark', ['--version'], { stdio: 'ignore' });
      availability = true;
    } catch {
      availability = false;
    }
  }
  return availability;
}

type JsonTree = { [key: string]: JsonValue };
type JsonValue = string | JsonTree | JsonValue[];

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Walks a tshark JSON subtree, collecting leaf fields and expert/malformed markers. */
function flatten(node: JsonValue, into: Map<string, string[]>, experts: TsharkExpert[], flags: { malformed: boolean }): void {
  if (typeof node === 'string') return;
  if (Array.isArray(node)) {
    for (const n of node) flatten(n, into, experts, flags);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === '_ws.malformed') flags.malformed = true;
    if (key === '_ws.expert') {
      for (const e of Array.isArray(value) ? value : [value]) {
        if (typeof e === 'object' && !Array.isArray(e)) {
          const get = (k: string): string => (typeof e[k] === 'string' ? (e[k] as string) : '');
          experts.push({ severity: severityName(get('_ws.expert.severity')), group: get('_ws.expert.group'), message: get('_ws.expert.message') });
        }
      }
    }
    if (typeof value === 'string') push(into, key, value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) for (const v of value) push(into, key, v as string);
    else flatten(value, into, experts, flags);
  }
}

function collectIes(node: JsonValue, out: TsharkIe[]): void {
  if (typeof node === 'string') return;
  if (Array.isArray(node)) {
    for (const n of node) collectIes(n, out);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    // Long labels come prefixed with " [truncated]" (tshark cuts tree labels at 240 characters).
    const label = key.replace(/^\s*\[truncated\]\s*/, '');
    if (label.startsWith('Information Element:')) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v !== 'object' || Array.isArray(v)) continue;
        const fields = new Map<string, string[]>();
        flatten(v, fields, [], { malformed: false });
        out.push({
          label,
          id: Number(fields.get('iax2.ie_id')?.[0] ?? NaN),
          length: Number(fields.get('iax2.length')?.[0] ?? NaN),
          fields,
        });
      }
    } else if (typeof value !== 'string') {
      collectIes(value, out);
    }
  }
}

export interface TsharkOptions {
  /** UDP ports to decode as IAX2 besides 4569 (`-d udp.port==N,iax2`). */
  readonly ports?: readonly number[];
  readonly timeoutMs?: number;
  /** More tshark arguments, e.g. ['-o', 'udp.check_checksum:TRUE']. */
  readonly extraArgs?: readonly string[];
}

function runTshark(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tshark failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Decodes a pcap file with tshark. */
export async function tsharkDecodeFile(path: string, options: TsharkOptions = {}): Promise<TsharkPacket[]> {
  const args = ['-r', path, '-T', 'json', '--no-duplicate-keys'];
  for (const p of options.ports ?? []) if (p !== 4569) args.push('-d', `udp.port==${p},iax2`);
  args.push(...(options.extraArgs ?? []));
  const stdout = await runTshark(args, options.timeoutMs ?? 60_000);
  const parsed = JSON.parse(stdout.trim() === '' ? '[]' : stdout) as Array<{ _source: { layers: JsonTree } }>;
  return parsed.map((p, i) => {
    const layers = p._source.layers;
    const frame = layers.frame;
    const frameFields = new Map<string, string[]>();
    if (frame) flatten(frame, frameFields, [], { malformed: false });
    const fields = new Map<string, string[]>();
    const allFields = new Map<string, string[]>();
    const experts: TsharkExpert[] = [];
    const flags = { malformed: false };
    // Malformed and expert markers may sit in any layer; `fields` come from the iax2 layer only.
    for (const [name, layer] of Object.entries(layers)) {
      flatten(layer, allFields, experts, flags);
      if (name === 'iax2') flatten(layer, fields, [], { malformed: false });
      if (name === '_ws.malformed') flags.malformed = true;
    }
    const ies: TsharkIe[] = [];
    if (layers.iax2) collectIes(layers.iax2, ies);
    return {
      number: Number(frameFields.get('frame.number')?.[0] ?? i + 1),
      protocols: (frameFields.get('frame.protocols')?.[0] ?? '').split(':').filter(Boolean),
      fields,
      allFields,
      ies,
      malformed: flags.malformed,
      experts,
    };
  });
}

/** Writes the pcap bytes to a temporary file, decodes it with tshark, and removes the file. */
export async function tsharkDecode(pcap: Uint8Array, options: TsharkOptions = {}): Promise<TsharkPacket[]> {
  const dir = mkdtempSync(join(tmpdir(), 'redial-tshark-'));
  try {
    const path = join(dir, 'capture.pcap');
    writeFileSync(path, pcap);
    return await tsharkDecodeFile(path, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first value of a field, or undefined. */
export function field(p: { readonly fields: ReadonlyMap<string, readonly string[]> }, name: string): string | undefined {
  return p.fields.get(name)?.[0];
}

/** Field names tshark's IAX2 dissector uses when it does not know what it is looking at. */
export const IAX2_UNKNOWN_FIELDS = ['iax2.iax.unknownbyte', 'iax2.iax.unknownshort', 'iax2.iax.unknownlong', 'iax2.iax.unknownstring'];

/**
 * IEs tshark 4.0 names but shows through its generic by-length fields: VARIABLE (52), OSPTOKEN (53), CALLTOKEN (54).
 * (CALLINGANI2, 57, it does not know at all; Asterisk sends it, the client does not.)
 */
export const GENERIC_IE_IDS: readonly number[] = [52, 53, 54];

/**
 * Problems in one packet: malformed, expert warnings/errors, or unknown-field decodes. `allowUnknown` lists
 * IE ids where tshark uses an "unknown" field even though it names the IE.
 */
export function tsharkProblems(p: TsharkPacket, allowUnknownIeIds: readonly number[] = GENERIC_IE_IDS): string[] {
  const problems: string[] = [];
  if (p.malformed) problems.push('malformed');
  for (const e of p.experts) if (e.severity === 'error' || e.severity === 'warning') problems.push(`expert ${e.severity}: ${e.message}`);
  const unknownInAllowed = new Map<string, number>();
  for (const ie of p.ies) {
    if (!allowUnknownIeIds.includes(ie.id)) continue;
    for (const f of IAX2_UNKNOWN_FIELDS) unknownInAllowed.set(f, (unknownInAllowed.get(f) ?? 0) + (ie.fields.get(f)?.length ?? 0));
  }
  for (const f of IAX2_UNKNOWN_FIELDS) {
    const n = (p.fields.get(f)?.length ?? 0) - (unknownInAllowed.get(f) ?? 0);
    if (n > 0) problems.push(`unknown field ${f} ×${n}`);
  }
  for (const ie of p.ies) if (/^Information Element: Unknown(:|$)/.test(ie.label) && !allowUnknownIeIds.includes(ie.id)) problems.push(`unknown IE: ${ie.label}`);
  if (!p.protocols.includes('iax2')) problems.push(`not dissected as IAX2 (${p.protocols.join(':')})`);
  return problems;
}

export interface TraceCheck<E> {
  readonly entry: E;
  readonly packet: TsharkPacket | undefined;
  readonly problems: readonly string[];
}

/**
 * Runs a whole engine trace through tshark: every entry that still has its raw bytes becomes one packet
 * (tx: local → peer, rx: peer → local), decoded with `-d udp.port==N,iax2` for each port involved.
 * Returns each entry with its decode and problems (an empty list means tshark found nothing wrong).
 */
export async function tsharkCheckTrace<E extends { readonly raw?: Uint8Array; readonly direction: 'tx' | 'rx'; readonly at: number; readonly peer: { readonly address: string; readonly port: number } }>(
  entries: readonly E[],
  local: { readonly address: string; readonly port: number },
  options: TsharkOptions = {},
): Promise<Array<TraceCheck<E>>> {
  const withRaw = entries.filter((e) => e.raw !== undefined);
  const ports = new Set<number>([local.port, ...withRaw.map((e) => e.peer.port), ...(options.ports ?? [])]);
  const pcap = pcapFile(withRaw.map((e) => ({
    datagram: e.raw as Uint8Array,
    src: e.direction === 'tx' ? local : e.peer,
    dst: e.direction === 'tx' ? e.peer : local,
    atMs: Math.max(0, e.at),
  })));
  const packets = await tsharkDecode(pcap, { ...options, ports: [...ports] });
  return withRaw.map((entry, i) => {
    const packet = packets[i];
    return { entry, packet, problems: packet ? tsharkProblems(packet) : ['tshark returned no packet'] };
  });
}
