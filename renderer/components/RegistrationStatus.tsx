// Registration status: a compact chip for the top bar, and the full detail (server's words on failure,
// apparent address, voicemail) for the accounts page.
import type { AccountView, RegistrationView } from '../../electron/shared/api.js';
import { statusWord } from './Dialer.js';

export function regSummary(r: RegistrationView | undefined, a: AccountView): string {
  if (!a.enabled) return 'disabled';
  if (!a.register) return 'calls only (not registering)';
  if (!r) return 'waiting…';
  if (r.status === 'failed' && r.error) return r.error.message;
  return statusWord(r.status);
}

export function RegChip(props: { account: AccountView; reg?: RegistrationView; onClick?: () => void }) {
  const { account: a, reg: r } = props;
  const status = a.enabled && a.register ? (r?.status ?? 'registering') : 'unregistered';
  const vm = r?.messages?.new ?? 0;
  const text = `${a.label || a.username}: ${regSummary(r, a)}`;
  return (
    <button type="button" class={`chip ${status}`} onClick={props.onClick} title={text} data-testid={`reg-chip-${a.id}`}
      data-status={status}>
      <span class="dot" aria-hidden="true" />
      <span class="chip-text">{text}</span>
      {vm > 0 && <span class="badge" aria-label={`${vm} new voicemail`}>{vm}</span>}
    </button>
  );
}

export function RegDetail(props: { account: AccountView; reg?: RegistrationView }) {
  const { account: a, reg: r } = props;
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
      {r?.retryInSeconds !== undefined && r.status === 'failed' && (<><dt>Next attempt</dt><dd>in {Math.round(r.retryInSeconds)} s</dd></>)}
      {r?.apparentAddress && (<><dt>Server sees us at</dt><dd>{r.apparentAddress.address}:{r.apparentAddress.port}</dd></>)}
      {r?.refreshSeconds !== undefined && r.status === 'registered' && (<><dt>Refresh</dt><dd>every {r.refreshSeconds} s</dd></>)}
      {r?.messages && (<><dt>Voicemail</dt><dd>{r.messages.new} new, {r.messages.old} old</dd></>)}
    </dl>
  );
}
