// In-memory DocumentStore that keeps the JSON text, so tests can assert on exactly what would hit the disk.
import type { DocumentStore } from '../../../electron/core/ports.js';

export class MemoryDocumentStore<T> implements DocumentStore<T> {
  text: string | undefined;
  saves = 0;
  constructor(initial?: T) { if (initial !== undefined) this.text = JSON.stringify(initial); }
  load(): Promise<T | undefined> { return Promise.resolve(this.text === undefined ? undefined : JSON.parse(this.text) as T); }
  save(value: T): Promise<void> { this.text = JSON.stringify(value); this.saves++; return Promise.resolve(); }
}
