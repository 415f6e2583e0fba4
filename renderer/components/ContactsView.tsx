// Contacts: the phone's address book — search, call a contact (through its account, else the dialler's), edit (name,
// numbers with their kind, the account to call through, a speed-dial key 1–9), add from the history, import and
// export vCard or CSV files. The phone keeps the book and checks every number; this page only shows and asks.
import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ContactFormat, ContactImportResult, ContactView } from '../../electron/shared/api.js';
import { usePhone, useStore } from '../state/context.js';
import type { ContactPrefill } from './HistoryList.js';

const LABELS: readonly [string, string][] = [['', '—'], ['mobile', 'Mobile'], ['work', 'Work'], ['home', 'Home'], ['fax', 'Fax']];

interface Draft { name: string; numbers: { number: string; label: string }[]; accountId: string; speedDial: string }

const draftOf = (c: ContactView | undefined, prefill?: ContactPrefill): Draft => c
  ? { name: c.name, numbers: c.numbers.map((n) => ({ ...n })), accountId: c.accountId ?? '', speedDial: c.speedDial ? String(c.speedDial) : '' }
  : { name: prefill?.name ?? '', numbers: [{ number: prefill?.number ?? '', label: '' }], accountId: prefill?.accountId ?? '', speedDial: '' };

/** Saves a file the user asked for (a download: the desktop app asks where). */
function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ContactsView(props: { prefill?: ContactPrefill; dialAccount: string; onCalled: () => void }) {
  const phone = usePhone();
  const contacts = useStore((s) => s.contacts);
  const [query, setQuery] = useState('');
  // null: nothing open; '': a new contact; an id: that contact.
  const [open, setOpen] = useState<string | null>(props.prefill ? '' : null);
  const [imported, setImported] = useState<ContactImportResult | null>(null);
  useEffect(() => { if (props.prefill) setOpen(''); }, [props.prefill]);
  const needle = query.trim().toLowerCase();
  const shown = useMemo(() => contacts.filter((c) => needle === '' ||
    c.name.toLowerCase().includes(needle) || c.numbers.some((n) => n.number.includes(needle.replace(/[\s()\-.]/g, '')))), [contacts, needle]);

  async function importFile(file: File): Promise<void> {
    const text = await file.text();
    const format: ContactFormat = /\.vcf$|\.vcard$/i.test(file.name) || /^\s*BEGIN:VCARD/i.test(text) ? 'vcard' : 'csv';
    const result = await phone.importContacts(format, text);
    if (result) setImported(result);
  }
  async function exportAs(format: ContactFormat): Promise<void> {
    const out = await phone.exportContacts(format);
    if (!out) return;
    download(format === 'vcard' ? 'redial-contacts.vcf' : 'redial-contacts.csv', format === 'vcard' ? 'text/vcard' : 'text/csv', out.text);
    phone.notify('info', 'contacts-export', `Exported ${out.count} contact${out.count === 1 ? '' : 's'} as ${format === 'vcard' ? 'vCard' : 'CSV'}.`);
  }

  return (
    <div class="contacts">
      <section class="card" aria-labelledby="contacts-title">
        <div class="row" style={{ justifyContent: 'space-between' }}>
          <h2 id="contacts-title">Contacts</h2>
          <button type="button" class="btn small" onClick={() => setOpen('')} data-testid="contact-new">+ New contact</button>
        </div>
        <input class="input" type="search" placeholder="Search name or number" value={query} aria-label="Search contacts" style={{ width: '100%' }}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} data-testid="contact-search" />
        {contacts.length === 0 ? <p class="muted">No contacts yet. Add one, add a caller from the history, or import a vCard or CSV file.</p> : (
          <ul class="contact-list" data-testid="contact-list">
            {shown.map((c) => (
              <li key={c.id} data-testid="contact-row">
                <button type="button" class="contact-name" aria-current={open === c.id ? 'true' : 'false'} onClick={() => setOpen(c.id)}>
                  <span class="name">{c.name}</span>
                  <span class="muted">{c.numbers[0].number}{c.numbers[0].label ? ` · ${c.numbers[0].label}` : ''}{c.numbers.length > 1 ? ` · +${c.numbers.length - 1}` : ''}</span>
                </button>
                {c.speedDial !== undefined && <span class="speed-key" title={`Speed dial ${c.speedDial}`} aria-label={`speed dial ${c.speedDial}`}>{c.speedDial}</span>}
                <button type="button" class="btn small ok" aria-label={`Call ${c.name}`} data-testid="contact-call"
                  onClick={async () => { if (await phone.callContact(c, c.numbers[0].number, props.dialAccount || undefined)) props.onCalled(); }}>Call</button>
              </li>
            ))}
            {shown.length === 0 && <li class="muted">No contact matches.</li>}
          </ul>
        )}
        <div class="row import-export">
          <label class="btn small" title="vCard (.vcf) or CSV (.csv), as phones, mail programs and spreadsheets export them">
            Import…
            <input type="file" accept=".vcf,.vcard,.csv,text/vcard,text/csv" class="visually-hidden" data-testid="contact-import"
              onChange={(e) => { const f = (e.currentTarget as HTMLInputElement).files?.[0]; if (f) void importFile(f); (e.currentTarget as HTMLInputElement).value = ''; }} />
          </label>
          <button type="button" class="btn small" disabled={contacts.length === 0} onClick={() => void exportAs('vcard')} data-testid="contact-export-vcard">Export vCard</button>
          <button type="button" class="btn small" disabled={contacts.length === 0} onClick={() => void exportAs('csv')} data-testid="contact-export-csv">Export CSV</button>
        </div>
        {imported && (
          <div class="import-result" role="status" data-testid="contact-import-result">
            <span>Imported: {imported.added} added, {imported.updated} updated, {imported.skipped} skipped.</span>
            {imported.problems.length > 0 && <ul>{imported.problems.map((p) => <li key={p}>{p}</li>)}</ul>}
            <button type="button" class="btn small" onClick={() => setImported(null)} aria-label="Dismiss the import result">✕</button>
          </div>
        )}
      </section>
      {open !== null && (
        <ContactEditor key={open || `new-${props.prefill?.number ?? ''}`} contact={contacts.find((c) => c.id === open)}
          {...(open === '' && props.prefill ? { prefill: props.prefill } : {})}
          onDone={(id) => setOpen(id)} />
      )}
    </div>
  );
}

function ContactEditor(props: { contact?: ContactView; prefill?: ContactPrefill; onDone: (openId: string | null) => void }) {
  const phone = usePhone();
  const accounts = useStore((s) => s.accounts);
  const contacts = useStore((s) => s.contacts);
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.contact, props.prefill));
  const [error, setError] = useState('');
  const c = props.contact;
  const set = (patch: Partial<Draft>): void => { setDraft((d) => ({ ...d, ...patch })); setError(''); };
  const setNumber = (i: number, patch: Partial<Draft['numbers'][number]>): void =>
    set({ numbers: draft.numbers.map((n, j) => (j === i ? { ...n, ...patch } : n)) });
  const keyOwner = (k: number): string | undefined => contacts.find((x) => x.speedDial === k && x.id !== c?.id)?.name;

  async function save(e: Event): Promise<void> {
    e.preventDefault();
    const numbers = draft.numbers.filter((n) => n.number.trim() !== '');
    if (!draft.name.trim()) { setError('Enter a name'); return; }
    if (numbers.length === 0) { setError('Enter at least one number'); return; }
    const res = await phone.saveContact({
      ...(c ? { id: c.id } : {}), name: draft.name.trim(), numbers,
      ...(draft.accountId ? { accountId: draft.accountId } : {}), ...(draft.speedDial ? { speedDial: Number(draft.speedDial) } : {}),
    });
    if (res.ok) props.onDone(res.contact.id); else setError(res.error);
  }

  return (
    <section class="card" aria-labelledby="contact-edit-title">
      <div class="editor-head">
        <h2 id="contact-edit-title">{c ? `Edit ${c.name}` : 'New contact'}</h2>
        {c && <button type="button" class="btn small danger-outline" data-testid="contact-delete"
          onClick={() => { if (confirm(`Delete ${c.name} from the contacts?`)) void phone.deleteContact(c.id).then(() => props.onDone(null)); }}>Delete</button>}
      </div>
      <form class="form" onSubmit={(e) => void save(e)} noValidate data-testid="contact-form">
        <label for="contact-name">Name</label>
        <input id="contact-name" class="input" value={draft.name} maxLength={128} onInput={(e) => set({ name: (e.currentTarget as HTMLInputElement).value })} />
        {draft.numbers.map((n, i) => (
          <Fragment key={i}>
            <label for={`contact-number-${i}`}>{i === 0 ? 'Numbers' : ''}<span class="visually-hidden"> {i + 1}</span></label>
            <div class="row">
              <input id={`contact-number-${i}`} class="input" inputMode="tel" value={n.number} maxLength={80} style={{ flex: 1, minWidth: 0 }}
                placeholder="+1 212 555 0100 or 601" data-testid="contact-number"
                onInput={(e) => setNumber(i, { number: (e.currentTarget as HTMLInputElement).value })} />
              <select class="select" value={n.label} aria-label={`Kind of number ${i + 1}`} onChange={(e) => setNumber(i, { label: (e.currentTarget as HTMLSelectElement).value })}>
                {LABELS.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
              </select>
              {draft.numbers.length > 1 && <button type="button" class="btn small" aria-label={`Remove number ${i + 1}`}
                onClick={() => set({ numbers: draft.numbers.filter((_x, j) => j !== i) })}>✕</button>}
            </div>
          </Fragment>
        ))}
        <span />
        <div>{draft.numbers.length < 10 && <button type="button" class="btn small" onClick={() => set({ numbers: [...draft.numbers, { number: '', label: '' }] })}>+ Number</button>}</div>
        <label for="contact-account">Call through</label>
        <select id="contact-account" class="select" value={draft.accountId} onChange={(e) => set({ accountId: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="">The account chosen in the dialler</option>
          {accounts.map((a) => <option key={a.id} value={a.id}>{a.label || a.username}</option>)}
        </select>
        <label for="contact-speed">Speed dial</label>
        <select id="contact-speed" class="select" value={draft.speedDial} onChange={(e) => set({ speedDial: (e.currentTarget as HTMLSelectElement).value })} data-testid="contact-speed">
          <option value="">None</option>
          {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => <option key={k} value={String(k)}>{k}{keyOwner(k) ? ` (now ${keyOwner(k)})` : ''}</option>)}
        </select>
        <div class="full row">
          <button type="submit" class="btn primary" data-testid="contact-save">Save</button>
          <button type="button" class="btn" onClick={() => { if (c) { setDraft(draftOf(c)); setError(''); } else props.onDone(null); }}>
            {c ? 'Undo changes' : 'Cancel'}</button>
          {error && <span class="error-text" role="alert" data-testid="contact-error">{error}</span>}
        </div>
      </form>
    </section>
  );
}
