// Which account an incoming NEW is for, and which codecs we may accept for it.
// The engine has already limited `accounts` to those registered with the exact server address the NEW came from
// (C-10). One account: that one. Several (e.g. 1001 and 1002 on the same Asterisk, from our one socket): the NEW
// rarely says which — Asterisk's NEW to a peer carries no USERNAME and CALLED_NUMBER is "s" unless the dialplan
// names an extension (Dial(IAX2/1002/1002)) — so the account is taken from CALLED_NUMBER when it equals exactly one
// account's user name, and otherwise left open rather than guessed, accepting what any of them would.
// None: a direct call (RFC 5456 peer to peer), with the codecs set for direct calls.
import type { CodecName } from '../media/codec.js';
import { DEFAULT_CODECS } from '../../shared/api.js';
import type { AccountConfig } from './engine-api.js';
import { IeReader } from './wire/ies.js';
import { IeType, type FullFrame } from './wire/types.js';

export interface IncomingAccount {
  readonly account?: AccountConfig;
  /** Set when there is no single account: the codecs to accept. */
  readonly codecs?: readonly CodecName[];
}

export function incomingAccount(
  accounts: readonly AccountConfig[], newFrame: Pick<FullFrame, 'payload'>, directCodecs: readonly CodecName[] | undefined,
): IncomingAccount {
  if (accounts.length === 1) return { account: accounts[0] as AccountConfig };
  if (accounts.length === 0) return directCodecs ? { codecs: directCodecs } : {};
  const ies = IeReader.fromPayload(newFrame.payload);
  const called = ies.ok ? ies.value.string(IeType.CALLED_NUMBER) : undefined;
  const named = called === undefined ? [] : accounts.filter((a) => a.username === called);
  if (named.length === 1) return { account: named[0] as AccountConfig };
  return { codecs: [...new Set(accounts.flatMap((a) => (a.codecs && a.codecs.length > 0 ? a.codecs : DEFAULT_CODECS)))] };
}
