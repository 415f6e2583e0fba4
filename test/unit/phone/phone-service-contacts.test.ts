// The address book the phone keeps (ContactBook through PhoneService and its contract): saving, one contact per
// speed-dial key, numbers kept as the phone dials them, import from vCard and CSV without duplicates, export that
// reads back, an account's deletion, persistence across a restart, and the event the UI follows.
import { describe, expect, it } from 'vitest';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import type { ContactView, Settings } from '../../../electron/shared/api.js';
import { eventGuards } from '../../../electron/shared/api-guards.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import type { StoredContacts } from '../../../electron/core/phone/contact-book.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FakeEngine } from './fake-engine.js';

function setup(contacts = new MemoryDocumentStore<StoredContacts>()) {
  let id = 0;
  const phone = new PhoneService({
    engine: new FakeEngine(), clock: new FakeClock(), secrets: new MemorySecretStore(),
    stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history: new MemoryDocumentStore<StoredHistory>(), settings: new MemoryDocumentStore<Settings>(), contacts },
    info: { name: 'Redial', version: 't', host: 'headless', platform: 'linux', secretStorage: 'memory' },
    newId: () => `id-${++id}`,
  });
  const changes: ContactView[][] = [];
  phone.on('contacts:changed', (list) => { expect(eventGuards['contacts:changed'](list)).toBe(true); changes.push(list); });
  return { phone, contacts, changes };
}

describe('the phone\'s address book', () => {
  it('saves contacts with dialable numbers, one contact per speed-dial key, and says when the book changes', async () => {
    const { phone, changes } = setup();
    await phone.start();
    const carol = await phone.request('contacts:save', { name: ' Carol Smith ', numbers: [{ number: '+1 (212) 555-0100', label: 'mobile' }, { number: '٦٠١', label: 'work' }], speedDial: 2 });
    expect(carol).toEqual({ id: 'id-1', name: 'Carol Smith', numbers: [{ number: '+12125550100', label: 'mobile' }, { number: '601', label: 'work' }], speedDial: 2 });
    const bob = await phone.request('contacts:save', { name: 'Bob', numbers: [{ number: '602', label: '' }], speedDial: 2 });
    const list = await phone.request('contacts:list');
    expect(list.map((c) => [c.name, c.speedDial])).toEqual([['Bob', 2], ['Carol Smith', undefined]]); // the key moved, sorted by name
    expect(changes).toHaveLength(2);
    await expect(phone.request('contacts:save', { name: 'X', numbers: [{ number: 'not a number!', label: '' }] })).rejects.toMatchObject({ code: 'invalid-number', message: '"not a number!" is not a number the phone can dial' });
    await expect(phone.request('contacts:save', { name: 'X', numbers: [{ number: '600', label: '' }], accountId: 'nope' })).rejects.toMatchObject({ code: 'unknown-account' });
    await phone.request('contacts:delete', { contactId: bob.id });
    expect((await phone.request('contacts:list')).map((c) => c.name)).toEqual(['Carol Smith']);
    await expect(phone.request('contacts:delete', { contactId: bob.id })).rejects.toMatchObject({ code: 'unknown-contact' });
  });

  it('imports vCard and CSV files, merges a name it knows instead of duplicating it, and exports what reads back', async () => {
    const { phone } = setup();
    await phone.start();
    const vcf = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carol\r\nTEL;TYPE=CELL:+1 212 555 0100\r\nX-REDIAL-SPEED-DIAL:4\r\nEND:VCARD\r\n'
      + 'BEGIN:VCARD\r\nFN:Nobody\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Bad\r\nTEL:call me maybe!\r\nEND:VCARD\r\n';
    expect(await phone.request('contacts:import', { format: 'vcard', text: vcf })).toEqual({ added: 1, updated: 0, skipped: 2, problems: [
      'card 2: Nobody has no telephone number', 'Bad: "call me maybe!" is not a number the phone can dial'] });
    // The same file again adds nothing; a CSV with a new number for Carol adds the number to her.
    expect(await phone.request('contacts:import', { format: 'vcard', text: vcf })).toMatchObject({ added: 0, updated: 0 });
    expect(await phone.request('contacts:import', { format: 'csv', text: 'Name,Phone,Phone type\ncarol,601,Work\nDave,602,\n' }))
      .toEqual({ added: 1, updated: 1, skipped: 0, problems: [] });
    const list = await phone.request('contacts:list');
    expect(list).toEqual([
      { id: 'id-1', name: 'Carol', numbers: [{ number: '+12125550100', label: 'mobile' }, { number: '601', label: 'work' }], speedDial: 4 },
      { id: 'id-2', name: 'Dave', numbers: [{ number: '602', label: '' }] },
    ]);
    for (const format of ['vcard', 'csv'] as const) {
      const out = await phone.request('contacts:export', { format });
      expect(out.count).toBe(2);
      const other = setup();
      await other.phone.start();
      expect(await other.phone.request('contacts:import', { format, text: out.text })).toMatchObject({ added: 2, problems: [] });
      expect((await other.phone.request('contacts:list')).map(({ id: _i, ...c }) => c)).toEqual(list.map(({ id: _i, ...c }) => c));
    }
  });

  it('keeps the book across a restart, and forgets an account that is deleted', async () => {
    const first = setup();
    await first.phone.start();
    const account = await first.phone.request('accounts:save', { server: 'pbx', username: 'alice' });
    await first.phone.request('contacts:save', { name: 'Carol', numbers: [{ number: '601', label: '' }], accountId: account.id });
    const again = setup(first.contacts);
    await again.phone.start();
    expect(await again.phone.request('contacts:list')).toEqual([{ id: 'id-2', name: 'Carol', numbers: [{ number: '601', label: '' }], accountId: account.id }]);
    await first.phone.request('accounts:delete', { accountId: account.id });
    expect((await first.phone.request('contacts:list'))[0].accountId).toBeUndefined();
    expect(first.changes.at(-1)?.[0].accountId).toBeUndefined();
  });
});
