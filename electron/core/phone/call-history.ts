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
}

export class CallHistory {
  private entries: HistoryEntry[] = [];

  constructor(private readonly store: DocumentStore<StoredHistory>, private readonly max = 1000) {}

  async load(): Promise<void> {
    let doc: StoredHistory | undefined;
    try { doc = await this.store.load(); } catch { doc = undefined; }
    const list: readonly unknown[] = doc && Array.isArray(doc.entries) ? doc.entries : [];
    const valid = list.filter(isHistoryEntry).slice(0, this.max);
    this.entries = doc?.version === 2 ? valid : valid.map(displayHistoryEntry);
  }

  list(limit?: number): HistoryEntry[] {
    return this.entries.slice(0, limit ?? this.entries.length);
  }

  /** Adds an entry as the UI sees it (built by displayHistoryEntry: escaped once, never again). */
  async add(entry: HistoryEntry): Promise<void> {
    this.entries.unshift(entry);
    if (this.entries.length > this.max) this.entries.length = this.max;
    await this.store.save({ version: 2, entries: this.entries });
  }

  async clear(): Promise<void> {
    this.entries = [];
    await this.store.save({ version: 2, entries: [] });
  }
}
