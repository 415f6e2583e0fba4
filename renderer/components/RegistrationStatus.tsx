// Registration status: a compact chip for the top bar, and the full detail (server's words on failure,
// apparent address, voicemail) for the accounts page.
import { useMemo } from 'preact/hooks';
import type { AccountView, RegistrationView } from '../../electron/shared/api.js';
import { useNow } from '../state/context.js';
import { regShort, regSummary } from '../lib/registration-words.js';

export { regShort, regSummary };

/** `dnd`: Do Not Disturb is on, so this account's incoming calls are refused busy; the chip says so. */
export function RegChip(props: { account: AccountView; reg?: RegistrationView; dnd?: boolean; onClick?: () => void }) {
  const { account: a, reg: r } = props;
  const status = a.enabled && a.register ? (r?.status ?? 'registering') : 'unregistered';
  const vm = r?.messages?.new ?? 0;
  const full = `${a.label || a.username}: ${regSummary(r, a)}${props.dnd ? ', Do Not Disturb (incoming calls refused)' : ''}`;
  return (
    <button type="button" class={`chip ${status}${props.dnd ? ' dnd' : ''}`} onClick={props.onClick} title={full} aria-label={vm > 0 ? `${full}, ${vm} new voicemail` : full} data-testid={`reg-chip-${a.id}`}
      data-status={status} data-dnd={props.dnd ? 'on' : 'off'}>
      <span class="dot" aria-hidden="true" />
      <span class="chip-label">{a.label || a.username}</span><span class="chip-text">{regShort(r, a)}</span>
      {props.dnd && <span class="chip-dnd" aria-hidden="true">DND</span>}
      {vm > 0 && <span class="badge" aria-label={`${vm} new voicemail`}>{vm}</span>}
    </button>
  );
}

export function RegDetail(props: { account: AccountView; reg?: RegistrationView }) {
  const { account: a, reg: r } = props;
  // retryInSeconds is relative to the event: turn it into a deadline once and count down to it.
  const retryAt = useMemo(() => (r?.retryInSeconds !== undefined ? Date.now() + r.retryInSeconds * 1000 : undefined), [r]);
  const now = useNow(retryAt !== undefined && r?.status === 'failed');
  const retryIn = retryAt !== undefined ? Math.max(0, Math.round((retryAt - now) / 1000)) : undefined;
  return (
    <dl class="reg-detail" data-testid="reg-detail" aria-live="polite">
      <dt>Status</dt>
      <dd data-testid="reg-status" data-status={r?.status ?? 'none'}>
        <strong class={r?.status === 'failed' ? 'error-text' : undefined}>{regSummary(r, a)}</strong>
      </dd>
      {r?.error && (<>
        <dt>Server said</dt>
        <dd data-testid="reg-error">{r.error.cause ?? r.error.message}{r.error.causeCode !== undefined ? ` (cause ${r.error.causeCode})` : ''} <span class="muted">[{r.error.code}]</span></dd>
      </>)}
      {retryIn !== undefined && r?.status === 'failed' && (<><dt>Next attempt</dt><dd>{retryIn > 0 ? `in ${retryIn} s` : 'now…'}</dd></>)}
      {r?.apparentAddress && (<><dt>Server sees us at</dt><dd>{r.apparentAddress.address}:{r.apparentAddress.port}</dd></>)}
      {r?.refreshSeconds !== undefined && r.status === 'registered' && (<><dt>Refresh</dt><dd>every {r.refreshSeconds} s</dd></>)}
      {r?.messages && (<><dt>Voicemail</dt><dd>{r.messages.new} new, {r.messages.old} old</dd></>)}
    </dl>
  );
}
