// Call history: newest first, bounded, persisted as one JSON document.
import type { DocumentStore } from '../ports.js';
import type { HistoryEntry } from '../../shared/api.js';
import { historyEntry as isHistoryEntry } from '../../shared/api-guards.js';

export interface StoredHistory {
  readonly version: 1;
  readonly entries: readonly HistoryEntry[];
}

export class CallHistory {
  private entries: HistoryEntry[] = [];

  constructor(private readonly store: DocumentStore<StoredHistory>, private readonly max = 1000) {}

  async load(): Promise<void> {
    let doc: StoredHistory | undefined;
    try { doc = await this.store.load(); } catch { doc = undefined; }
    const list: readonly unknown[] = doc && Array.isArray(doc.entries) ? doc.entries : [];
    this.entries = list.filter(isHistoryEntry).slice(0, this.max);
  }

  list(limit?: number): HistoryEntry[] {
    return this.entries.slice(0, limit ?? this.entries.length);
  }

  async add(entry: HistoryEntry): Promise<void> {
    this.entries.unshift(entry);
    if (this.entries.length > this.max) this.entries.length = this.max;
    await this.store.save({ version: 1, entries: this.entries });
  }

  async clear(): Promise<void> {
    this.entries = [];
    await this.store.save({ version: 1, entries: [] });
  }
}
