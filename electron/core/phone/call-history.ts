// Call history: newest first, bounded, persisted as one JSON document. Entries hold network text (numbers,
// caller names, causes) escaped for display (shared/display-text.ts). Version 2 documents are stored escaped;
// version 1 (older Redials) stored the text as it came, and is escaped when loaded.
import type { DocumentStore } from '../ports.js';
import type { HistoryEntry } from '../../shared/api.js';
import { historyEntry as isHistoryEntry } from '../../shared/api-guards.js';
import { remoteText } from './api-views.js';

/** The entry with its network text escaped and cut to the API's lengths. */
export function displayHistoryEntry(e: HistoryEntry): HistoryEntry {
  return {
    ...e,
    number: remoteText(e.number, 128),
    ...(e.remoteName !== undefined ? { remoteName: remoteText(e.remoteName, 256) } : {}),
    ...(e.cause !== undefined ? { cause: remoteText(e.cause, 1024) } : {}),
    ...(e.transferredTo !== undefined ? { transferredTo: remoteText(e.transferredTo, 128) } : {}),
  };
}

export interface StoredHistory {
  /** 2: entries escaped for display; 1: as the network sent them. */
  readonly version: 1 | 2;
  readonly entries: readonly HistoryEntry[];
  /** Wall-clock ms up to which the user has seen the history: missed calls that ended later are "unseen". */
  readonly seenUntil?: number;
}

export class CallHistory {
  private entries: HistoryEntry[] = [];
  private seenUntil = 0;

  constructor(private readonly store: DocumentStore<StoredHistory>, private readonly max = 1000) {}

  async load(): Promise<void> {
    let doc: StoredHistory | undefined;
    try { doc = await this.store.load(); } catch { doc = undefined; }
    const list: readonly unknown[] = doc && Array.isArray(doc.entries) ? doc.entries : [];
    const valid = list.filter(isHistoryEntry).slice(0, this.max);
    this.entries = doc?.version === 2 ? valid : valid.map(displayHistoryEntry);
    // A history kept before the counter existed counts as seen: no surprise flood of old missed calls.
    this.seenUntil = typeof doc?.seenUntil === 'number' && Number.isFinite(doc.seenUntil) ? doc.seenUntil
      : this.entries.reduce((max, e) => Math.max(max, e.endedAt), 0);
  }

  /** Incoming calls nobody answered that ended after the history was last seen. */
  unseenMissed(): number {
    return this.entries.filter((e) => e.direction === 'incoming' && e.outcome === 'missed' && e.endedAt > this.seenUntil).length;
  }

  /** The user saw the history at `at` (wall-clock ms). */
  async markSeen(at: number): Promise<void> {
    if (at <= this.seenUntil) return;
    this.seenUntil = at;
    await this.save();
  }

  list(limit?: number): HistoryEntry[] {
    return this.entries.slice(0, limit ?? this.entries.length);
  }

  /** Adds an entry as the UI sees it (built by displayHistoryEntry: escaped once, never again). */
  async add(entry: HistoryEntry): Promise<void> {
    this.entries.unshift(entry);
    if (this.entries.length > this.max) this.entries.length = this.max;
    await this.save();
  }

  async clear(): Promise<void> {
    this.entries = [];
    await this.save();
  }

  private save(): Promise<void> {
    return this.store.save({ version: 2, entries: this.entries, seenUntil: this.seenUntil });
  }
}
