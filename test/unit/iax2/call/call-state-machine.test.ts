import { describe, expect, it } from 'vitest';
import type { CallState } from '../../../../electron/core/iax2/engine-api.js';
import {
  CallStateMachine, IllegalCallTransitionError, isLegalTransition,
} from '../../../../electron/core/iax2/call/call-state-machine.js';

const ALL: CallState[] = ['dialing', 'proceeding', 'ringing', 'early-media', 'up', 'held', 'ended'];

describe('call state transitions (RFC 5456 §6.2, spec §5.2/§5.3)', () => {
  it('outgoing happy path is legal', () => {
    const m = new CallStateMachine({ direction: 'outgoing', onIllegal: 'throw' });
    expect(m.state).toBe('dialing');
    for (const s of ['proceeding', 'ringing', 'early-media', 'up', 'held', 'up', 'ended'] as const) {
      expect(m.transition(s, 'test')).toBe(true);
      expect(m.state).toBe(s);
    }
  });
  it('incoming starts ringing and may not pass through outgoing-only states', () => {
    const m = new CallStateMachine({ direction: 'incoming', onIllegal: 'throw' });
    expect(m.state).toBe('ringing');
    expect(() => m.transition('early-media', 'test')).toThrow(IllegalCallTransitionError);
    expect(m.transition('up', 'answer')).toBe(true);
  });
  it('ended is terminal in both directions', () => {
    for (const dir of ['outgoing', 'incoming'] as const) {
      for (const to of ALL) if (to !== 'ended') expect(isLegalTransition(dir, 'ended', to)).toBe(false);
    }
  });
  it('dialing cannot jump to up or held (ANSWER is held back until ACCEPT, spec §4.6)', () => {
    expect(isLegalTransition('outgoing', 'dialing', 'up')).toBe(false);
    expect(isLegalTransition('outgoing', 'dialing', 'held')).toBe(false);
    expect(isLegalTransition('outgoing', 'ringing', 'held')).toBe(false);
  });
  it('every state can end except ended itself', () => {
    for (const s of ALL) if (s !== 'ended') {
      const dirOk = isLegalTransition('outgoing', s, 'ended') || isLegalTransition('incoming', s, 'ended');
      expect(dirOk).toBe(true);
    }
  });
  it('same-state transition is a no-op, not an error', () => {
    const m = new CallStateMachine({ direction: 'outgoing', onIllegal: 'throw' });
    expect(m.transition('dialing', 'dup')).toBe(false);
  });
  it("'log' policy refuses and logs instead of throwing", () => {
    const logged: string[] = [];
    const m = new CallStateMachine({ direction: 'outgoing', onIllegal: 'log', log: (s) => logged.push(s) });
    expect(m.transition('up', 'bug')).toBe(false);
    expect(m.state).toBe('dialing');
    expect(logged[0]).toMatch(/dialing → up/);
  });
  it("defaults to 'log': a user's call goes on and the bug is logged (tests inject 'throw'; npm run lint refuses test-runner sniffing)", () => {
    const logged: string[] = [];
    const m = new CallStateMachine({ direction: 'outgoing', log: (s) => logged.push(s) });
    expect(m.transition('held', 'bug')).toBe(false);
    expect(m.state).toBe('dialing');
    expect(logged).toEqual([expect.stringMatching(/illegal outgoing call transition dialing → held/)]);
  });
});
