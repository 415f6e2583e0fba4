// A DocumentStore kept in memory as JSON text (what would hit the disk): the `redial` command's phone, which
// forgets its accounts, history and settings when it ends, and the tests, which assert on exactly that text.
import type { DocumentStore } from '../core/ports.js';

export class MemoryDocumentStore<T> implements DocumentStore<T> {
  text: string | undefined;
  saves = 0;
  constructor(initial?: T) { if (initial !== undefined) this.text = JSON.stringify(initial); }
  load(): Promise<T | undefined> { return Promise.resolve(this.text === undefined ? undefined : JSON.parse(this.text) as T); }
  save(value: T): Promise<void> { this.text = JSON.stringify(value); this.saves++; return Promise.resolve(); }
}
