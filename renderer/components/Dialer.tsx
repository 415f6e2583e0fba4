// Number field + dial pad + account picker + call/redial. Accepts pasted `iax:user@host/number` URIs
// (RFC 5456 §5.1): the account whose server matches the URI's host is selected and its number filled in.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { AccountView } from '../../electron/shared/api.js';
import { parseDialInput, sameServer } from '../lib/dial-input.js';
import { usePhone, useStore } from '../state/context.js';
import { DialPad } from './DialPad.js';
import { statusWord } from '../lib/registration-words.js';

/** Matches an account to a URI: same host (and port), and the same user when the URI names one. */
export function accountForUri(accounts: readonly AccountView[], host: string, server: string, user?: string): AccountView | undefined {
  const candidates = accounts.filter((a) => a.enabled && (sameServer(a.server, server) || sameServer(a.server, host)));
  return candidates.find((a) => !user || a.username === user) ?? candidates[0];
}

export function Dialer(props: { number: string; setNumber: (n: string) => void; inputRef: { current: HTMLInputElement | null } }) {
  const phone = usePhone();
  const accounts = useStore((s) => s.accounts);
  const registrations = useStore((s) => s.registrations);
  const history = useStore((s) => s.history);
  const calls = useStore((s) => s.calls);
  const [accountId, setAccountId] = useState<string>('');
  const [sentDtmf, setSentDtmf] = useState<{ callId: string; digits: string } | null>(null);
  const [hint, setHint] = useState<{ text: string; error: boolean } | null>(null);
  const enabled = accounts.filter((a) => a.enabled);
  const busy = useRef(false);

  // Default to the first registered account, else the first enabled one.
  useEffect(() => {
    if (enabled.some((a) => a.id === accountId)) return;
    const preferred = enabled.find((a) => registrations[a.id]?.status === 'registered') ?? enabled[0];
    setAccountId(preferred?.id ?? '');
  }, [accounts, registrations]);

  const lastOutgoing = history.find((h) => h.direction === 'outgoing');
  // While a call is connected the pad is its keypad (like a desk phone, and like typing digits): keys go out as
  // DTMF. To dial a second number, type it in the field.
  const connected = calls.find((c) => c.state === 'up' && !c.held);
  const sentToThis = connected && sentDtmf?.callId === connected.id ? sentDtmf.digits : '';
  function padKey(d: string) {
    if (connected) {
      phone.sendDtmf(connected.id, d);
      setSentDtmf({ callId: connected.id, digits: (sentToThis + d).slice(-24) });
      return;
    }
    props.setNumber(props.number + d);
    props.inputRef.current?.focus();
  }
  const selected = enabled.find((a) => a.id === accountId);
  const newMessages = selected ? registrations[selected.id]?.messages?.new ?? 0 : 0;

  /** Returns the number to dial and the account, or shows why not. */
  function resolve(text: string): { number: string; accountId?: string } | null {
    const parsed = parseDialInput(text);
    if (parsed.kind === 'invalid') { setHint({ text: parsed.reason, error: true }); return null; }
    if (parsed.kind === 'number') return { number: parsed.number, accountId: accountId || undefined };
    const { uri, server } = parsed;
    const acct = accountForUri(accounts, uri.host, server, uri.user);
    if (!acct) { setHint({ text: `No account for ${server}: add one in Accounts first`, error: true }); return null; }
    if (!uri.number) { setHint({ text: 'The address names no number to dial', error: true }); return null; }
    setAccountId(acct.id);
    props.setNumber(uri.number);
    return { number: uri.number, accountId: acct.id };
  }

  async function dial(text: string, viaAccount?: string) {
    if (busy.current) return;
    const target = resolve(text);
    if (!target) return;
    busy.current = true;
    setHint(null);
    try {
      const call = await phone.dial(target.number, viaAccount ?? target.accountId);
      if (call) props.setNumber('');
    } finally {
      busy.current = false;
    }
  }

  function onCall() {
    if (props.number.trim() === '') {
      // An empty field recalls the last number (what desk phones do); a second press dials it.
      if (lastOutgoing) { props.setNumber(lastOutgoing.number); setHint({ text: 'Last number recalled: press Call to dial', error: false }); }
      else setHint({ text: 'Enter a number to call', error: true });
      return;
    }
    void dial(props.number);
  }

  function onPaste(e: ClipboardEvent) {
    const text = e.clipboardData?.getData('text') ?? '';
    if (!/^iax2?:/i.test(text.trim())) return;
    e.preventDefault();
    const parsed = parseDialInput(text);
    if (parsed.kind === 'uri') {
      const acct = accountForUri(accounts, parsed.uri.host, parsed.server, parsed.uri.user);
      if (acct) setAccountId(acct.id);
      props.setNumber(parsed.uri.number ?? '');
      setHint(acct ? { text: `Via ${acct.label || acct.username} (${acct.server})`, error: false }
        : { text: `No account for ${parsed.server}: add one in Accounts first`, error: true });
    } else if (parsed.kind === 'invalid') setHint({ text: parsed.reason, error: true });
  }

  return (
    <section class="card dialer" aria-labelledby="dialer-title">
      <h2 id="dialer-title">Dial</h2>
      <label class="account-pick">
        Call through
        <select class="select" value={accountId} onChange={(e) => setAccountId((e.currentTarget as HTMLSelectElement).value)}
          disabled={enabled.length === 0} data-testid="dial-account">
          {enabled.length === 0 && <option value="">No account — add one in Accounts</option>}
          {enabled.map((a) => (
            <option value={a.id} key={a.id}>{a.label || a.username} — {statusWord(registrations[a.id]?.status)}</option>
          ))}
        </select>
      </label>
      <form class="number-row" onSubmit={(e) => { e.preventDefault(); onCall(); }}>
        <label for="number" class="visually-hidden">Number or iax: address</label>
        <input id="number" ref={props.inputRef} class="number" inputMode="tel" autoComplete="off" spellcheck={false}
          placeholder="Number or iax: link" value={props.number} data-testid="number"
          aria-describedby="number-hint" aria-invalid={Boolean(hint?.error)}
          onInput={(e) => { props.setNumber((e.currentTarget as HTMLInputElement).value); setHint(null); }}
          onPaste={onPaste} />
        <button type="button" class="btn" aria-label="Delete last digit" title="Delete last digit"
          onClick={() => props.setNumber(props.number.slice(0, -1))} disabled={!props.number}>⌫</button>
      </form>
      <p id="number-hint" class={`field-hint ${hint?.error ? 'error-text' : 'muted'}`} role={hint?.error ? 'alert' : undefined}
        data-testid="dial-hint">
        {hint?.text ?? (connected ? `Keys send tones to ${connected.remoteName || connected.number}${sentToThis ? `: ${sentToThis}` : ''}` : '')}
      </p>
      <DialPad label={connected ? 'Keypad (sends DTMF tones to the call)' : 'Dial pad'} onKey={padKey} />
      <div class="dial-actions">
        <button type="button" class="btn primary" onClick={onCall} data-testid="call" disabled={enabled.length === 0}>
          Call
        </button>
        <button type="button" class="btn" onClick={() => lastOutgoing && void dial(lastOutgoing.number, lastOutgoing.accountId)}
          disabled={!lastOutgoing || enabled.length === 0} title={lastOutgoing ? `Redial ${lastOutgoing.number}` : 'No number to redial yet'}
          data-testid="redial">
          Redial
        </button>
      </div>
      {selected?.voicemailNumber && (
        <button type="button" class="btn" style={{ width: '100%', marginTop: '6px' }} data-testid="voicemail"
          onClick={() => void dial(selected.voicemailNumber, selected.id)}>
          Voicemail{newMessages > 0 ? ` · ${newMessages} new` : ''}
        </button>
      )}
    </section>
  );
}
