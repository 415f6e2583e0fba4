// What an `iax:` link in the number field (or from a web page, through main's dial-request) will do: the account it
// goes through, or none — then the user is offered an account for that server or a direct call, and the link is
// never dialled through another account's server. Parts of the link that are not used are said, not dropped.
import type { AccountView } from '../../electron/shared/api.js';
import { parseIaxUri, uriServer, type IaxUri } from '../../electron/shared/iax-uri.js';
import { sameServer } from './dial-input.js';

export interface LinkPlan {
  readonly uri: IaxUri;
  /** "host" or "host:port" as an account's server is written. */
  readonly server: string;
  readonly account?: AccountView;
  /** What of the link will not be used, in words. */
  readonly notes: readonly string[];
}

/**
 * The enabled account a link is for: on the link's server (host and port, 4569 when it names none: pbx:4570 is not
 * the account on pbx), preferring the link's user name when an account there has it.
 */
export function accountForLink(accounts: readonly AccountView[], uri: IaxUri): AccountView | undefined {
  const server = uriServer(uri);
  const candidates = accounts.filter((a) => a.enabled && sameServer(a.server, server));
  return candidates.find((a) => uri.user !== undefined && a.username === uri.user) ?? candidates[0];
}

export function planLink(accounts: readonly AccountView[], uri: IaxUri): LinkPlan {
  const account = accountForLink(accounts, uri);
  const notes: string[] = [];
  if (account && uri.user !== undefined && uri.user !== account.username) {
    notes.push(`the link's user name "${uri.user}" is not used: you call as ${account.username}`);
  }
  if (uri.context !== undefined) notes.push(`the link's context "${uri.context}" is not used: the server chooses the context of your calls`);
  return { uri, server: uriServer(uri), ...(account ? { account } : {}), notes };
}

/** A link's plan from its text, or undefined when it is not a valid link. */
export function planLinkText(accounts: readonly AccountView[], text: string): LinkPlan | undefined {
  const r = parseIaxUri(text);
  return r.ok ? planLink(accounts, r.uri) : undefined;
}

/** The notes as a parenthesis to append to a sentence ("" when there are none). */
export function notesText(plan: Pick<LinkPlan, 'notes'>): string {
  return plan.notes.length === 0 ? '' : ` (${plan.notes.join('; ')})`;
}
