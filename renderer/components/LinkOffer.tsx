// An `iax:` link for a server the user has no account on: it is never dialled through another account's server.
// The user chooses instead: add an account for that server (the editor opens pre-filled), or call the address
// directly, without an account (RFC 5456 peer to peer). Used by the number field and by links from other apps.
import type { AccountView, DialRequest } from '../../electron/shared/api.js';
import { notesText, planLinkText, type LinkPlan } from '../lib/link-plan.js';
import { usePhone, useStore } from '../state/context.js';

export interface AccountPrefillRequest { readonly server: string; readonly username?: string }

/** `onDone`: the user chose; 'call' only once the direct call was placed. */
export function LinkOffer(props: { plan: LinkPlan; onAddAccount: (prefill: AccountPrefillRequest) => void; onDone?: (chosen: 'account' | 'call') => void }) {
  const phone = usePhone();
  const { plan } = props;
  const number = plan.uri.number;
  return (
    <div class="link-offer" role="group" aria-label={`No account for ${plan.server}`} data-testid="link-offer">
      <span>No account for <strong>{plan.server}</strong>{notesText(plan)}.</span>
      <div class="row">
        <button type="button" class="btn small" data-testid="link-add-account"
          onClick={() => { props.onAddAccount({ server: plan.server, ...(plan.uri.user ? { username: plan.uri.user } : {}) }); props.onDone?.('account'); }}>
          Add an account for {plan.server}
        </button>
        {number && (
          <button type="button" class="btn small" data-testid="link-direct" title="Call the address in the link without an account (peer to peer)"
            onClick={async () => {
              const call = await phone.dialDirect(number, { server: plan.server, ...(plan.uri.user ? { username: plan.uri.user } : {}) });
              if (call) props.onDone?.('call');
            }}>
            Call {number} directly
          </button>
        )}
      </div>
    </div>
  );
}

/** An `iax:` link opened by another application (main's dial-request): never dialled without the user's word. */
export function DialRequestCard(props: { request: DialRequest; onAddAccount: (prefill: AccountPrefillRequest) => void }) {
  const phone = usePhone();
  const accounts = useStore((s) => s.accounts);
  const plan = planLinkText(accounts, props.request.uri);
  const done = (): void => phone.clearDialRequest();
  const via = (a: AccountView): string => a.label || a.username;
  return (
    <div class="card dial-request" role="alertdialog" aria-label="Dial request" data-testid="dial-request">
      <span>A link asks to call <strong>{props.request.number}</strong> on {plan?.server ?? props.request.host}
        {plan?.account ? <> through {via(plan.account)}{notesText(plan)}</> : null}.</span>
      {plan && !plan.account && <LinkOffer plan={plan} onAddAccount={props.onAddAccount} onDone={done} />}
      <div class="row">
        {plan?.account && (
          <button type="button" class="btn primary" data-testid="dial-request-call"
            onClick={() => { void phone.dial(props.request.number, plan.account?.id); done(); }}>Call</button>
        )}
        <button type="button" class="btn" onClick={done}>Ignore</button>
      </div>
    </div>
  );
}
