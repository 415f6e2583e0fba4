// Number field + dial pad + account picker + call/redial. Accepts `iax:[user@]host[:port]/number[?context]` links
// (RFC 5456 §5.1), typed or pasted: the account whose server matches the link's host is selected and its number
// filled in. A link for a server with no account is never dialled through another account's server: it stays in
// the field, and the user chooses to add an account for that server or to call it directly (no account).

import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_LINK_LENGTH, MAX_NUMBER_LENGTH, normaliseNumber, parseDialInput } from '../lib/dial-input.js';
import { notesText, planLink } from '../lib/link-plan.js';
import { regShort } from '../../electron/shared/registration-words.js';
import { usePhone, useStore } from '../state/context.js';
import { DialPad } from './DialPad.js';
import { LinkOffer, type AccountPrefillRequest } from './LinkOffer.js';

export interface DialerProps {
  readonly number: string;
  readonly setNumber: (n: string) => void;
  readonly inputRef: { current: HTMLInputElement | null };
  /** The "Call through" account: kept by the window, so it survives switching pages. */
  readonly accountId: string;
  readonly setAccountId: (id: string) => void;
  /** Opens the account editor for a new account on this server (from a link with no account). */
  readonly onAddAccount: (prefill?: AccountPrefillRequest) => void;
}

export function Dialer(props: DialerProps) {
  const phone = usePhone();
  const accounts = useStore((s) => s.accounts);
  const registrations = useStore((s) => s.registrations);
  const history = useStore((s) => s.history);
  const calls = useStore((s) => s.calls);
  const online = useStore((s) => s.connection === 'open');
  const speedDials = useStore((s) => s.contacts).filter((c) => c.speedDial !== undefined).sort((a, b) => (a.speedDial ?? 0) - (b.speedDial ?? 0));
  const [hint, setHint] = useState<{ text: string; error: boolean } | null>(null);
  const enabled = accounts.filter((a) => a.enabled);
  const busy = useRef(false);
  const { accountId, setAccountId } = props;

  // Default to the first registered account, else the first enabled one; keep the user's choice while it exists.
  useEffect(() => {
    if (enabled.some((a) => a.id === accountId)) return;
    const preferred = enabled.find((a) => registrations[a.id]?.status === 'registered') ?? enabled[0];
    setAccountId(preferred?.id ?? '');
  }, [accounts, registrations]);

  const lastOutgoing = history.find((h) => h.direction === 'outgoing');
  // While a call is connected the pad is its keypad (like a desk phone, and like typing digits): keys go out as
  // DTMF, and the call's card shows them. To dial a second number, type it in the field.
  const connected = calls.find((c) => c.state === 'up' && !c.held);
  function padKey(d: string) {
    if (connected) { phone.sendDtmf(connected.id, d); return; }
    props.setNumber(props.number + d);
    props.inputRef.current?.focus();
  }
  const selected = enabled.find((a) => a.id === accountId);
  const newMessages = selected ? registrations[selected.id]?.messages?.new ?? 0 : 0;

  // A link in the field (typed or pasted) and what it would do.
  const typed = parseDialInput(props.number);
  const link = typed.kind === 'uri' ? planLink(accounts, typed.uri) : undefined;
  const orphanLink = link && !link.account ? link : undefined;

  /** Returns the number to dial and the account, or shows why not. */
  function resolve(text: string): { number: string; accountId?: string } | null {
    const parsed = parseDialInput(text);
    if (parsed.kind === 'invalid') { setHint({ text: parsed.reason, error: true }); return null; }
    if (parsed.kind === 'number') return { number: parsed.number, accountId: accountId || undefined };
    const plan = planLink(accounts, parsed.uri);
    if (!parsed.uri.number) { setHint({ text: 'The link names no number to call', error: true }); return null; }
    if (!plan.account) {
      // Never through another server: the offer below the field says what can be done instead.
      setHint({ text: `No account for ${plan.server}: add one, or call it directly`, error: true });
      return null;
    }
    setAccountId(plan.account.id);
    props.setNumber(parsed.uri.number);
    return { number: parsed.uri.number, accountId: plan.account.id };
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
      if (lastOutgoing?.number) { props.setNumber(lastOutgoing.number); setHint({ text: 'Last number recalled: press Call to dial', error: false }); }
      else setHint({ text: 'Enter a number to call', error: true });
      return;
    }
    void dial(props.number);
  }

  function onPaste(e: ClipboardEvent) {
    const text = (e.clipboardData?.getData('text') ?? '').trim();
    if (!/^iax2?:/i.test(text)) {
      // The field holds at most MAX_NUMBER_LENGTH characters: say so rather than cutting a pasted number silently.
      const number = normaliseNumber(text);
      if (number.length > MAX_NUMBER_LENGTH) {
        e.preventDefault();
        setHint({ text: `A number has at most ${MAX_NUMBER_LENGTH} characters (the pasted one has ${number.length})`, error: true });
      }
      return;
    }
    e.preventDefault();
    const parsed = parseDialInput(text);
    if (parsed.kind === 'invalid') { setHint({ text: parsed.reason, error: true }); return; }
    if (parsed.kind !== 'uri') return;
    const plan = planLink(accounts, parsed.uri);
    if (!plan.account) {
      // Keep the whole link: its number alone would be dialled through the selected account's server.
      props.setNumber(text);
      setHint(null);
      return;
    }
    setAccountId(plan.account.id);
    props.setNumber(parsed.uri.number ?? '');
    setHint({ text: `Via ${plan.account.label || plan.account.username} (${plan.account.server})${notesText(plan)}`, error: false });
  }

  const linkHint = link?.account && !hint ? { text: `Via ${link.account.label || link.account.username} (${link.account.server})${notesText(link)}`, error: false } : null;
  const shownHint = hint ?? linkHint;
  const isLink = /^\s*iax2?:/i.test(props.number);

  return (
    <section class="card dialer" aria-labelledby="dialer-title">
      <h2 id="dialer-title">Dial</h2>
      <label class="account-pick">
        Call through
        <select class="select" value={accountId} onChange={(e) => setAccountId((e.currentTarget as HTMLSelectElement).value)}
          disabled={enabled.length === 0} data-testid="dial-account">
          {enabled.length === 0 && <option value="">No account — add one in Accounts</option>}
          {enabled.map((a) => (
            <option value={a.id} key={a.id}>{a.label || a.username} — {online ? regShort(registrations[a.id], a) : 'engine offline'}</option>
          ))}
        </select>
      </label>
      <form class="number-row" onSubmit={(e) => { e.preventDefault(); onCall(); }}>
        <label for="number" class="visually-hidden">Number or iax: address</label>
        <input id="number" ref={props.inputRef} class="number" inputMode="tel" autoComplete="off" spellcheck={false}
          placeholder="Number or iax: link" value={props.number} data-testid="number"
          maxLength={isLink ? MAX_LINK_LENGTH : MAX_NUMBER_LENGTH}
          aria-describedby="number-hint" aria-invalid={Boolean(shownHint?.error)}
          onInput={(e) => { props.setNumber((e.currentTarget as HTMLInputElement).value); setHint(null); }}
          // Escape in the field clears it; it never hangs up (the window's Escape ignores text fields).
          onKeyDown={(e) => { if (e.key === 'Escape' && props.number) { e.preventDefault(); props.setNumber(''); setHint(null); } }}
          onPaste={onPaste} />
        <button type="button" class="btn" aria-label="Delete last digit" title="Delete last digit"
          onClick={() => props.setNumber(props.number.slice(0, -1))} disabled={!props.number}>⌫</button>
      </form>
      <p id="number-hint" class={`field-hint ${shownHint?.error ? 'error-text' : 'muted'}`} role={shownHint?.error ? 'alert' : undefined}
        data-testid="dial-hint">
        {shownHint?.text ?? (connected ? `Keys send tones to ${connected.remoteName || connected.remoteNumber || connected.number}` : '')}
      </p>
      {orphanLink && <LinkOffer plan={orphanLink} onAddAccount={props.onAddAccount} onDone={(chosen) => { if (chosen === 'call') props.setNumber(''); }} />}
      {speedDials.length > 0 && (
        <div class="speed-dials" role="group" aria-label="Speed dial" data-testid="speed-dials">
          {speedDials.map((c) => (
            <button type="button" class="btn small" key={c.id} title={`Call ${c.name} (${c.numbers[0].number})`} data-testid={`speed-dial-${c.speedDial}`}
              onClick={() => void phone.callContact(c, c.numbers[0].number, accountId || undefined)}>
              <span class="speed-key" aria-hidden="true">{c.speedDial}</span>{c.name}
            </button>
          ))}
        </div>
      )}
      <DialPad label={connected ? 'Keypad (sends DTMF tones to the call)' : 'Dial pad'} onKey={padKey} />
      <div class="dial-actions">
        <button type="button" class="btn primary" onClick={onCall} data-testid="call" disabled={enabled.length === 0 && !orphanLink}>
          Call
        </button>
        <button type="button" class="btn" onClick={() => lastOutgoing && void phone.callBack(lastOutgoing)}
          disabled={!lastOutgoing || (enabled.length === 0 && !lastOutgoing.remoteAddress)}
          title={lastOutgoing ? `Redial ${lastOutgoing.number}` : 'No number to redial yet'} data-testid="redial">
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
