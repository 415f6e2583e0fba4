// Call history: the Phone page's recent calls, and the History page (search, grouped by day, the account or the
// direct address of each call, missed calls marked, Clear that asks first, call back, add to contacts). Names come
// from the call, else from the address book.
import { useMemo, useState } from 'preact/hooks';
import type { AccountView, ContactView, HistoryEntry } from '../../electron/shared/api.js';
import { dayGroup, formatDuration, formatWhen } from '../lib/format.js';
import { usePhone, useStore } from '../state/context.js';
import { LockIcon } from './LockIcon.js';

/** A new contact's fields from a call in the history. */
export interface ContactPrefill { readonly name: string; readonly number: string; readonly accountId?: string }

function kindOf(h: HistoryEntry): { cls: 'in' | 'out' | 'missed'; glyph: string; word: string } {
  if (h.direction === 'outgoing') return { cls: 'out', glyph: '↗', word: 'Outgoing' };
  if (h.outcome === 'missed' || (h.outcome !== 'answered' && h.answeredAt === undefined)) return { cls: 'missed', glyph: '↙', word: 'Missed' };
  return { cls: 'in', glyph: '↙', word: 'Incoming' };
}

function outcomeText(h: HistoryEntry): string {
  if (h.outcome === 'answered') return formatDuration(h.durationSeconds);
  if (h.reason === 'dnd') return 'missed · DND';
  if (h.outcome === 'transferred') return h.transferredTo ? `transferred → ${h.transferredTo}` : 'transferred';
  return h.outcome;
}

/** The contact a number belongs to, if any. */
export function contactByNumber(contacts: readonly ContactView[]): (number: string) => ContactView | undefined {
  const map = new Map<string, ContactView>();
  for (const c of contacts) for (const n of c.numbers) if (!map.has(n.number)) map.set(n.number, c);
  return (number) => map.get(number);
}

/** Who: the caller's own name, else the address book's, with the number (or a direct call's address). */
function whoOf(h: HistoryEntry, contact: ContactView | undefined): string {
  const number = h.number || h.remoteAddress || 'Unknown caller';
  const name = h.remoteName || contact?.name;
  return name && name !== number ? `${name} (${number})` : number;
}

function HistoryRow(props: { h: HistoryEntry; contact?: ContactView; account?: AccountView; detailed: boolean; onAddContact?: (p: ContactPrefill) => void }) {
  const phone = usePhone();
  const { h } = props;
  const k = kindOf(h);
  const who = whoOf(h, props.contact);
  const via = h.remoteAddress ? `direct · ${h.remoteAddress}` : props.account ? (props.account.label || props.account.username) : '';
  return (
    <li class={k.cls === 'missed' ? 'missed' : undefined} data-kind={k.cls}>
      <span class={`dir ${k.cls}`} title={k.word} aria-label={k.word}>{k.glyph}</span>
      <span class="who">
        <button type="button" class="call-back" onClick={() => void phone.callBack(h)}
          disabled={!h.number && !h.remoteAddress} title={h.remoteAddress ? `Call ${h.remoteAddress} directly` : `Call ${h.number}`}
          aria-label={`${k.word} ${who}, ${outcomeText(h)}${h.encrypted ? ', encrypted' : ''}. Call back`}>
          {who}
        </button>
        {props.detailed && via && <span class="via muted" data-testid="history-via">{via}</span>}
      </span>
      <span class="meta" title={h.cause}>
        {k.cls === 'missed' && props.detailed && <span class="missed-pill">Missed</span>}
        {h.encrypted && <span class="history-lock" title="Encrypted call (AES-128)" data-testid="history-encrypted"><LockIcon size={10} /> </span>}
        {k.cls === 'missed' && props.detailed ? (h.reason === 'dnd' ? ' · DND' : '') : outcomeText(h)}
      </span>
      <span class="meta">{formatWhen(h.startedAt)}</span>
      {props.detailed && props.onAddContact && !props.contact && h.number && (
        <button type="button" class="btn small" data-testid="history-add-contact" title="Add this number to the address book"
          onClick={() => props.onAddContact?.({ name: h.remoteName ?? '', number: h.number, ...(h.accountId ? { accountId: h.accountId } : {}) })}>
          + Contact
        </button>
      )}
    </li>
  );
}

/** The Phone page's most recent calls, with the way to the whole history. */
export function HistoryList(props: { limit?: number; onShowAll?: () => void }) {
  const history = useStore((s) => s.history);
  const contacts = useStore((s) => s.contacts);
  const accounts = useStore((s) => s.accounts);
  const lookup = useMemo(() => contactByNumber(contacts), [contacts]);
  const shown = history.slice(0, props.limit ?? 8);
  return (
    <section class="card" aria-labelledby="history-title">
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="history-title">Recent calls</h2>
        {history.length > shown.length && props.onShowAll && (
          <button type="button" class="btn small" onClick={props.onShowAll} data-testid="history-all">All {history.length} calls →</button>
        )}
      </div>
      {shown.length === 0 ? <p class="muted">No calls yet.</p> : (
        <ul class="history" data-testid="history">
          {shown.map((h) => <HistoryRow key={h.id} h={h} contact={lookup(h.number)} account={accounts.find((a) => a.id === h.accountId)} detailed={false} />)}
        </ul>
      )}
    </section>
  );
}

function matches(h: HistoryEntry, needle: string, contact: ContactView | undefined, account: AccountView | undefined): boolean {
  const hay = [h.number, h.remoteName, h.remoteAddress, contact?.name, account?.label, account?.username, h.outcome, h.transferredTo]
    .filter(Boolean).join(' ').toLowerCase();
  return needle.split(/\s+/).every((w) => hay.includes(w));
}

/** The History page. */
export function HistoryView(props: { onAddContact: (p: ContactPrefill) => void }) {
  const phone = usePhone();
  const history = useStore((s) => s.history);
  const contacts = useStore((s) => s.contacts);
  const accounts = useStore((s) => s.accounts);
  const [query, setQuery] = useState('');
  const [missedOnly, setMissedOnly] = useState(false);
  const lookup = useMemo(() => contactByNumber(contacts), [contacts]);
  const accountOf = (id: string | undefined): AccountView | undefined => accounts.find((a) => a.id === id);
  const needle = query.trim().toLowerCase();
  const shown = history.filter((h) => (!missedOnly || kindOf(h).cls === 'missed') && (needle === '' || matches(h, needle, lookup(h.number), accountOf(h.accountId))));
  const groups: { label: string; entries: HistoryEntry[] }[] = [];
  const now = Date.now();
  for (const h of shown) {
    const label = dayGroup(h.startedAt, now);
    const last = groups[groups.length - 1];
    if (last?.label === label) last.entries.push(h); else groups.push({ label, entries: [h] });
  }
  const missedCount = history.filter((h) => kindOf(h).cls === 'missed').length;
  return (
    <section class="card history-page" aria-labelledby="history-page-title">
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="history-page-title">History</h2>
        {history.length > 0 && (
          <button type="button" class="btn small danger-outline" data-testid="history-clear"
            onClick={() => { if (confirm(`Remove all ${history.length} calls from the history? This cannot be undone.`)) void phone.clearHistory(); }}>
            Clear history…
          </button>
        )}
      </div>
      <div class="row history-tools">
        <input class="input" type="search" placeholder="Search name, number, address, account" value={query} aria-label="Search the history"
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} data-testid="history-search" />
        <label class="row"><input type="checkbox" checked={missedOnly} onChange={() => setMissedOnly(!missedOnly)} data-testid="history-missed-only" />
          Missed only ({missedCount})</label>
      </div>
      {history.length === 0 ? <p class="muted">No calls yet.</p> : shown.length === 0 ? <p class="muted" data-testid="history-none">No call matches.</p> : (
        groups.map((g) => (
          <div key={g.label} class="history-group" data-testid="history-group">
            <h3>{g.label}</h3>
            <ul class="history detailed" aria-label={g.label}>
              {g.entries.map((h) => (
                <HistoryRow key={h.id} h={h} contact={lookup(h.number)} account={accountOf(h.accountId)} detailed onAddContact={props.onAddContact} />
              ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
