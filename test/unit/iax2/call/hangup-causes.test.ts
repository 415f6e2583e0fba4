import { describe, expect, it } from 'vitest';
import { errorForCause, errorForControl, errorForReject, errorForUnbridgedCall } from '../../../../electron/core/iax2/call/hangup-causes.js';

describe('cause mapping (spec §5.2, §5.5)', () => {
  const rows: Array<[number, string]> = [
    [17, 'busy'], [34, 'congestion'], [3, 'no-route'], [50, 'auth-failed'], [58, 'no-common-codec'],
    [19, 'no-answer'], [21, 'rejected'], [27, 'network'], [1, 'invalid-number'], [99, 'rejected'],
  ];
  for (const [code, expected] of rows) {
    it(`CAUSECODE ${code} → ${expected}`, () => {
      const e = errorForReject({ causeCode: code, cause: 'x' });
      expect(e.code).toBe(expected);
      expect(e.causeCode).toBe(code);
      expect(e.cause).toBe('x');
    });
  }
  it('normal clearing (16) or no cause is no error on HANGUP', () => {
    expect(errorForCause({ causeCode: 16 })).toBeUndefined();
    expect(errorForCause({})).toBeUndefined();
    // Asterisk sends CAUSECODE 0 (AST_CAUSE_NOTDEFINED) e.g. after Dial() NOANSWER: no cause, not "cause 0".
    expect(errorForCause({ causeCode: 0 })).toBeUndefined();
  });
  it('apathetic REJECT (no IEs) → calltoken-required', () => {
    expect(errorForReject({ apathetic: true }).code).toBe('calltoken-required');
    expect(errorForReject({}).code).toBe('calltoken-required');
  });
  it('CAUSE text alone is understood (Asterisk texts)', () => {
    expect(errorForReject({ cause: 'No authority found' }).code).toBe('auth-failed');
    // Asterisk 22 with forceencryption=yes refuses unencrypted calls this way: say so, and quote the cause once.
    const m = errorForReject({ cause: 'No authority found', causeCode: 50 }).message;
    expect(m).toContain('forceencryption');
    expect(m.split('No authority found').length - 1).toBe(1);
    expect(errorForReject({ cause: 'Unable to negotiate codec' }).code).toBe('no-common-codec');
    expect(errorForReject({ cause: 'No such context/extension' }).code).toBe('no-route');
    expect(errorForReject({ cause: 'Something else' }).code).toBe('rejected');
  });
  it('CONTROL BUSY / CONGESTION', () => {
    expect(errorForControl('busy')).toMatchObject({ code: 'busy', causeCode: 17 });
    expect(errorForControl('congestion')).toMatchObject({ code: 'congestion', causeCode: 34 });
  });
  it('an Opus call the server ends at once, before anything rang, is a far leg that could not be bridged', () => {
    // Asterisk 22 without codec_opus: ACCEPT(opus), then HANGUP 16 two milliseconds later (or CONGESTION).
    const e = errorForUnbridgedCall({ how: 'hangup', codec: 'opus', msSinceAccept: 2, rang: false, heardVoice: false }, { causeCode: 16 });
    expect(e).toMatchObject({ code: 'no-common-codec', causeCode: 16 });
    expect(e?.message).toMatch(/could not connect it to the other party.*2 ms later.*codec_opus.*µ-law/s);
    // Anything else is not that: a codec Asterisk converts, a far end that rang or sent audio, a later end.
    expect(errorForUnbridgedCall({ how: 'hangup', codec: 'ulaw', msSinceAccept: 2, rang: false, heardVoice: false })).toBeUndefined();
    expect(errorForUnbridgedCall({ how: 'hangup', codec: 'opus', msSinceAccept: 2, rang: true, heardVoice: false })).toBeUndefined();
    expect(errorForUnbridgedCall({ how: 'hangup', codec: 'opus', msSinceAccept: 2, rang: false, heardVoice: true })).toBeUndefined();
    expect(errorForUnbridgedCall({ how: 'hangup', codec: 'opus', msSinceAccept: 5000, rang: false, heardVoice: false })).toBeUndefined();
    expect(errorForUnbridgedCall({ how: 'hangup', codec: undefined, msSinceAccept: 2, rang: false, heardVoice: false })).toBeUndefined();
  });
  it('an immediate CONGESTION before anything rang says the other party could not be connected, not "all circuits busy"', () => {
    // Asterisk's fall-through after Dial() found the peer unavailable: CONGESTION 3 ms after ACCEPT.
    const e = errorForUnbridgedCall({ how: 'congestion', codec: 'ulaw', msSinceAccept: 3, rang: false, heardVoice: false }, { causeCode: 34 });
    expect(e).toMatchObject({ code: 'congestion', causeCode: 34 });
    expect(e?.message).toMatch(/could not connect the call.*3 ms.*other party unavailable/s);
    expect(errorForUnbridgedCall({ how: 'congestion', codec: 'ulaw', msSinceAccept: 3, rang: true, heardVoice: false })).toBeUndefined();
  });
  it('cause 20 (subscriber absent) says the other party cannot be reached, not that nobody answered', () => {
    expect(errorForCause({ causeCode: 20 })).toMatchObject({ code: 'no-answer', message: expect.stringMatching(/cannot be reached/) });
  });
});
