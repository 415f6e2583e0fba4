// `--pcap FILE`: the trace streamed to a pcap file as it happens, instead of kept in memory until exit (a flood of
// junk datagrams would otherwise grow the process without bound). Records are batched and written about every
// 250 ms or 64 KiB, so a killed process loses at most the last batch and the file is always a valid pcap up to
// its last whole record (the format has no length field to patch). The file stops growing at `maxBytes`; later
// frames are counted, not written. Secrets are redacted unless `keepSecrets` (core/iax2/trace/redact.ts).
import { closeSync, writeSync } from 'node:fs';
import type { TraceEntry } from '../core/iax2/trace-types.js';
import { pcapGlobalHeader, pcapRecordOfEntry, type PcapEndpoint } from '../core/iax2/trace/pcap.js';
import { openPrivateSync } from './private-files.js';

/** Default size cap of a capture file. */
export const DEFAULT_PCAP_MAX_BYTES = 100 * 1024 * 1024;

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 250;

export interface PcapCaptureOptions {
  readonly path: string;
  /** Our socket's endpoint, as the pcap shows it. */
  readonly local: PcapEndpoint;
  /** Added to each entry's monotonic time to give wall-clock stamps. */
  readonly epochMs: number;
  /** The file never grows past this (header included). Default {@link DEFAULT_PCAP_MAX_BYTES}. */
  readonly maxBytes?: number;
  /** Keep secret-bearing IEs as they were on the wire (debugging one's own server only). */
  readonly keepSecrets?: boolean;
  /** Told once when the cap is reached, and when a write fails. */
  readonly onNotice?: (message: string) => void;
}

export class PcapFileCapture {
  private fd: number | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private written = 0;
  private dropped = 0;
  private full = false;
  private readonly maxBytes: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: PcapCaptureOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_PCAP_MAX_BYTES;
    this.fd = openPrivateSync(options.path);
    const header = pcapGlobalHeader();
    writeSync(this.fd, header);
    this.written = header.length;
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref?.();
  }

  /** Frames that did not fit under the cap (or could not be written). */
  get droppedFrames(): number {
    return this.dropped;
  }

  /** Bytes in the file plus those waiting to be written. */
  get bytes(): number {
    return this.written + this.pendingBytes;
  }

  add(entry: TraceEntry): void {
    if (this.fd === undefined) return;
    const record = pcapRecordOfEntry(entry, this.options.local, this.options.epochMs, { keepSecrets: this.options.keepSecrets === true });
    if (!record) return;
    if (this.full || this.bytes + record.length > this.maxBytes) {
      if (!this.full) {
        this.full = true;
        this.options.onNotice?.(`${this.options.path} reached its size limit (${Math.round(this.maxBytes / 1024)} KiB); `
          + 'later frames are not captured');
      }
      this.dropped++;
      return;
    }
    this.pending.push(record);
    this.pendingBytes += record.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is pending. */
  flush(): void {
    if (this.fd === undefined || this.pendingBytes === 0) return;
    const batch = Buffer.concat(this.pending, this.pendingBytes);
    const frames = this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, batch);
      this.written += batch.length;
    } catch (err) {
      this.dropped += frames;
      this.options.onNotice?.(`writing ${this.options.path} failed (${err instanceof Error ? err.message : String(err)}); capture stopped`);
      this.stop();
    }
  }

  /** Flushes and closes the file. Idempotent. */
  close(): void {
    this.flush();
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.fd !== undefined) {
      try { closeSync(this.fd); } catch { /* already gone */ }
      this.fd = undefined;
    }
  }
}
