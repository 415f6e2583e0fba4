// The address book: contacts (a name, up to ten numbers, the account to call them through, a speed-dial key 1–9)
// kept by the phone in one document (the DocumentStore port), so the app and the harness share them; imported from
// and exported to vCard and CSV (contact-formats.ts). Numbers are kept as the phone dials them (shared/dial-text.ts);
// a speed-dial key belongs to one contact at a time. A save replaces the contact as the form shows it.
import type { DocumentStore } from '../ports.js';
import {
  ApiError, type ContactFormat, type ContactImportResult, type ContactInput, type ContactNumber, type ContactView,
} from '../../shared/api.js';
import { contactView as isContactView, isDialString } from '../../shared/api-guards.js';
import { normaliseNumber } from '../../shared/dial-text.js';
import { formatContactsCsv, formatVCards, parseContactsCsv, parseVCards, type ContactRecord } from './contact-formats.js';

export interface StoredContacts {
  readonly version: 1;
  readonly contacts: readonly ContactView[];
}

export const MAX_CONTACTS = 5000;
export const MAX_NUMBERS = 10;

export class ContactBook {
  private contacts: ContactView[] = [];

  /** Without a store the book lives in memory (a phone composed for one command, a test). */
  constructor(private readonly store: DocumentStore<StoredContacts> | undefined, private readonly newId: () => string) {}

  /** Loads the book; unreadable entries are skipped and counted, never fatal. */
  async load(): Promise<{ skipped: number }> {
    let doc: StoredContacts | undefined;
    try { doc = await this.store?.load(); } catch { doc = undefined; }
    const list: readonly unknown[] = doc && Array.isArray(doc.contacts) ? doc.contacts : [];
    this.contacts = list.filter(isContactView).slice(0, MAX_CONTACTS);
    return { skipped: list.length - this.contacts.length };
  }

  list(): ContactView[] {
    return [...this.contacts].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates or updates; a speed-dial key given to this contact is taken from whoever had it. */
  async save(input: ContactInput): Promise<ContactView> {
    const existing = input.id !== undefined ? this.contacts.find((c) => c.id === input.id) : undefined;
    if (input.id !== undefined && !existing) throw new ApiError('unknown-contact', `there is no contact '${input.id}'`);
    const contact = this.build(existing?.id ?? this.newId(), input);
    if (!existing && this.contacts.length >= MAX_CONTACTS) throw new ApiError('too-many-contacts', `the address book holds at most ${MAX_CONTACTS} contacts`);
    this.contacts = this.contacts.filter((c) => c.id !== contact.id).map((c) => this.withoutKey(c, contact.speedDial));
    this.contacts.push(contact);
    await this.persist();
    return contact;
  }

  async delete(id: string): Promise<void> {
    if (!this.contacts.some((c) => c.id === id)) throw new ApiError('unknown-contact', `there is no contact '${id}'`);
    this.contacts = this.contacts.filter((c) => c.id !== id);
    await this.persist();
  }

  /** The account a deleted account's contacts called through is gone: they fall back to the default. */
  async forgetAccount(accountId: string): Promise<boolean> {
    if (!this.contacts.some((c) => c.accountId === accountId)) return false;
    this.contacts = this.contacts.map((c) => (c.accountId === accountId ? withoutAccount(c) : c));
    await this.persist();
    return true;
  }

  /**
   * Adds the file's contacts; one whose name is already in the book gains the numbers it lacks (no duplicates from
   * importing the same file twice). Problems are reported per card or row; what is readable is kept.
   */
  async import(format: ContactFormat, text: string): Promise<ContactImportResult> {
    const parsed = format === 'vcard' ? parseVCards(text) : parseContactsCsv(text);
    const problems = [...parsed.problems];
    let added = 0, updated = 0, skipped = parsed.problems.length;
    for (const record of parsed.records) {
      const numbers = record.numbers.map((n) => ({ number: normaliseNumber(n.number), label: n.label.slice(0, 32) }))
        .filter((n) => {
          if (isDialString(n.number)) return true;
          problems.push(`${record.name}: "${String(n.number).slice(0, 40)}" is not a number the phone can dial`);
          return false;
        });
      if (numbers.length === 0) { skipped++; continue; }
      const name = record.name.trim().slice(0, 128) || numbers[0].number;
      const same = this.contacts.find((c) => c.name.toLowerCase() === name.toLowerCase());
      try {
        if (same) {
          const extra = numbers.filter((n) => !same.numbers.some((m) => m.number === n.number));
          if (extra.length === 0) { skipped++; continue; }
          await this.save({ ...same, numbers: [...same.numbers, ...extra].slice(0, MAX_NUMBERS) });
          updated++;
        } else {
          const key = record.speedDial !== undefined && this.keyFree(record.speedDial) ? { speedDial: record.speedDial } : {};
          await this.save({ name, numbers: numbers.slice(0, MAX_NUMBERS), ...key });
          added++;
        }
      } catch (err) {
        skipped++;
        problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { added, updated, skipped, problems: problems.slice(0, 50).map((p) => p.slice(0, 256)) };
  }

  export(format: ContactFormat): { text: string; count: number } {
    const records: ContactRecord[] = this.list().map((c) => ({
      name: c.name, numbers: c.numbers, ...(c.speedDial !== undefined ? { speedDial: c.speedDial } : {}),
    }));
    return { text: format === 'vcard' ? formatVCards(records) : formatContactsCsv(records), count: records.length };
  }

  private keyFree(key: number): boolean {
    return Number.isInteger(key) && key >= 1 && key <= 9 && !this.contacts.some((c) => c.speedDial === key);
  }

  private build(id: string, input: ContactInput): ContactView {
    const name = input.name.trim();
    if (!name) throw new ApiError('invalid-request', 'a contact needs a name');
    const numbers: ContactNumber[] = [];
    for (const n of input.numbers) {
      const number = normaliseNumber(n.number);
      if (!isDialString(number)) throw new ApiError('invalid-number', `"${n.number}" is not a number the phone can dial`);
      if (!numbers.some((m) => m.number === number)) numbers.push({ number, label: n.label.trim() });
    }
    if (numbers.length === 0) throw new ApiError('invalid-request', 'a contact needs a number');
    return {
      id, name, numbers: numbers.slice(0, MAX_NUMBERS),
      ...(input.accountId !== undefined ? { accountId: input.accountId } : {}),
      ...(input.speedDial !== undefined ? { speedDial: input.speedDial } : {}),
    };
  }

  private withoutKey(c: ContactView, key: number | undefined): ContactView {
    if (key === undefined || c.speedDial !== key) return c;
    const { speedDial: _k, ...rest } = c;
    return rest;
  }

  private async persist(): Promise<void> {
    await this.store?.save({ version: 1, contacts: this.contacts });
  }
}

function withoutAccount(c: ContactView): ContactView {
  const { accountId: _a, ...rest } = c;
  return rest;
}
