import { describe, expect, it } from 'vitest';
import { incomingAccount } from '../../../electron/core/iax2/incoming-account.js';
import type { AccountConfig } from '../../../electron/core/iax2/engine-api.js';
import { IeWriter } from '../../../electron/core/iax2/wire/ies.js';
import { IeType } from '../../../electron/core/iax2/wire/types.js';

const alice: AccountConfig = { id: 'a', server: 'pbx', username: '1001', codecs: ['g722', 'ulaw'] };
const bob: AccountConfig = { id: 'b', server: 'pbx', username: '1002', codecs: ['alaw', 'ulaw'] };
const newTo = (called?: string) => ({
  payload: (called === undefined ? new IeWriter() : new IeWriter().string(IeType.CALLED_NUMBER, called)).u16(IeType.VERSION, 2).finish(),
});

describe('the account an incoming NEW is for', () => {
  it('is the only account registered with that server', () => {
    expect(incomingAccount([alice], newTo('s'), undefined)).toEqual({ account: alice });
  });
  it('is named by CALLED_NUMBER when several accounts share the server', () => {
    expect(incomingAccount([alice, bob], newTo('1002'), undefined)).toEqual({ account: bob });
  });
  it('is left open, accepting any of their codecs, when the NEW does not say (Asterisk sends "s")', () => {
    expect(incomingAccount([alice, bob], newTo('s'), undefined)).toEqual({ codecs: ['g722', 'ulaw', 'alaw'] });
    expect(incomingAccount([alice, bob], newTo(), undefined)).toEqual({ codecs: ['g722', 'ulaw', 'alaw'] });
  });
  it('uses the direct-call codecs when no account is registered there', () => {
    expect(incomingAccount([], newTo('100'), ['opus', 'g722'])).toEqual({ codecs: ['opus', 'g722'] });
    expect(incomingAccount([], newTo('100'), undefined)).toEqual({});
  });
});
