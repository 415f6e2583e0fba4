// Registration status: one summary for the top bar (with the list of accounts behind it), and the full detail
// (the server's words on failure, apparent address, voicemail) for the accounts page.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AccountView, RegistrationView } from '../../electron/shared/api.js';
import { useNow } from '../state/context.js';
import { registrationSummary, regShort, regSummary } from '../../electron/shared/registration-words.js';

export { regShort, regSummary };

/**
 * The top bar's registration status for all accounts at once (it has room for one line, whatever the number of
 * accounts): the worst state's colour, "Office: registered" or "2 of 3 registered", new voicemail summed. It opens
 * a list of every account with its state; picking one opens it on the Accounts page.
 */
export function StatusSummary(props: { accounts: readonly AccountView[]; registrations: Readonly<Record<string, RegistrationView>>;
  reachable: boolean; onOpenAccount: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const summary = registrationSummary(props.accounts, props.registrations, props.reachable);
  const shown = props.accounts.filter((a) => a.enabled);
  const vm = props.reachable ? shown.reduce((n, a) => n + (props.registrations[a.id]?.messages?.new ?? 0), 0) : 0;
  // Close when the focus or a click goes elsewhere.
  useEffect(() => {
    if (!open) return;
    const away = (e: Event): void => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', away);
    document.addEventListener('focusin', away);
    return () => { document.removeEventListener('mousedown', away); document.removeEventListener('focusin', away); };
  }, [open]);
  const label = `Registration: ${summary.text}${vm > 0 ? `, ${vm} new voicemail` : ''}`;
  return (
    <div class="status-summary" ref={root} onKeyDown={(e) => { if (e.key === 'Escape' && open) { e.stopPropagation(); setOpen(false); } }}>
      <button type="button" class={`chip ${summary.status}`} aria-expanded={open} aria-haspopup="true" aria-label={label} title={label}
        onClick={() => setOpen(!open)} data-testid="reg-summary" data-status={summary.status} disabled={shown.length === 0}>
        <span class="dot" aria-hidden="true" />
        {/* One account: its name gives way to its state when the bar is narrow. */}
        {summary.subject !== undefined
          ? <span class="chip-text split"><span class="chip-subject">{summary.subject}</span><span class="chip-state">: {summary.state}</span></span>
          : <span class="chip-text">{summary.text}</span>}
        {vm > 0 && <span class="badge" aria-hidden="true">{vm}</span>}
      </button>
      {open && (
        <ul class="status-menu" aria-label="Accounts">
          {shown.map((a) => {
            const r = props.registrations[a.id];
            const status = !props.reachable ? 'offline' : !a.register ? 'unregistered' : a.secretMissing ? 'failed' : (r?.status ?? 'registering');
            const messages = r?.messages?.new ?? 0;
            return (
              <li key={a.id}>
                <button type="button" class={`chip ${status}`} data-testid={`reg-row-${a.id}`} data-status={status}
                  title={`${a.label || a.username}: ${props.reachable ? regSummary(r, a) : 'unknown (engine offline)'}`}
                  onClick={() => { setOpen(false); props.onOpenAccount(a.id); }}>
                  <span class="dot" aria-hidden="true" />
                  <span class="chip-label">{a.label || a.username}</span>
                  <span class="chip-text">{props.reachable ? regShort(r, a) : 'unknown'}</span>
                  {messages > 0 && <span class="badge" aria-label={`${messages} new voicemail`}>{messages}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export function RegDetail(props: { account: AccountView; reg?: RegistrationView }) {
  const { account: a, reg: r } = props;
  // retryInSeconds is relative to the event: turn it into a deadline once and count down to it.
  const retryAt = useMemo(() => (r?.retryInSeconds !== undefined ? Date.now() + r.retryInSeconds * 1000 : undefined), [r]);
  const now = useNow(retryAt !== undefined && r?.status === 'failed');
  const retryIn = retryAt !== undefined ? Math.max(0, Math.round((retryAt - now) / 1000)) : undefined;
  // A password that did not survive a restart is a failure of ours to wait on, not of the server's.
  const failed = r?.status === 'failed' || a.secretMissing === true;
  return (
    <dl class="reg-detail" data-testid="reg-detail" aria-live="polite">
      <dt>Status</dt>
      <dd data-testid="reg-status" data-status={a.secretMissing ? 'password-needed' : r?.status ?? 'none'}>
        <strong class={failed ? 'error-text' : undefined}>{regSummary(r, a)}</strong>
      </dd>
      {/* Only what the server itself said (REGREJ's cause); a timeout or a DNS failure is our finding, told by Status. */}
      {r?.error?.cause !== undefined && (<>
        <dt>Server said</dt>
        <dd data-testid="reg-error">{r.error.cause}{r.error.causeCode !== undefined ? ` (cause ${r.error.causeCode})` : ''}</dd>
      </>)}
      {retryIn !== undefined && r?.status === 'failed' && (<><dt>Next attempt</dt><dd>{retryIn > 0 ? `in ${retryIn} s` : 'now…'}</dd></>)}
      {r?.apparentAddress && (<><dt>Server sees us at</dt><dd>{r.apparentAddress.address}:{r.apparentAddress.port}</dd></>)}
      {r?.refreshSeconds !== undefined && r.status === 'registered' && (<><dt>Refresh</dt><dd>every {r.refreshSeconds} s</dd></>)}
      {r?.messages && (<><dt>Voicemail</dt><dd>{r.messages.new} new, {r.messages.old} old</dd></>)}
    </dl>
  );
}
