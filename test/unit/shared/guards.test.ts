// The API's runtime guards (electron/shared/api-guards.ts): every sample payload passes, and each kind of
// malformed or oversized payload is refused.
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_NAMES } from '../../../electron/shared/api.js';
import { checkRequest, eventGuards, requestGuards, responseGuards } from '../../../electron/shared/api-guards.js';
import type { Guard } from '../../../electron/shared/guard-kit.js';
import { eventSamples, requestSamples, responseSamples } from './samples.js';

/** Every way of breaking one field of a sample (a value of another JS type, at every depth); each is a whole
 * mutated copy of the sample. */
function mutations(value: unknown, path: string[] = []): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  if (value === null || typeof value !== 'object') return out;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const wrong = typeof v === 'string' ? 42 : typeof v === 'number' ? 'NaN' : typeof v === 'boolean' ? 'true' : v === null ? [] : 'x';
    out.push({ path: [...path, k].join('.'), value: setAt(value, k, wrong) });
    for (const m of mutations(v, [...path, k])) out.push({ path: m.path, value: setAt(value, k, m.value) });
  }
  return out;
}
/** A copy of `obj` with `key` replaced (mutations of a child are rebuilt into their parent). */
function setAt(obj: object, key: string, v: unknown): unknown {
  if (Array.isArray(obj)) { const c = obj.slice(); c[Number(key)] = v; return c; }
  return { ...obj, [key]: v };
}

function checkAll(kind: string, names: readonly string[], guards: Record<string, Guard<unknown>>, samples: Record<string, unknown>): void {
  describe(kind, () => {
    it('has a guard and a sample for every channel, and nothing else', () => {
      expect(Object.keys(guards).sort()).toEqual([...names].sort());
      expect(Object.keys(samples).sort()).toEqual([...names].sort());
    });
    for (const name of names) {
      it(`${name}: accepts the valid sample, refuses every mutation`, () => {
        const guard = guards[name];
        const sample = samples[name];
        expect(guard(sample)).toBe(true);
        // JSON round trip (what the WebSocket does) keeps it valid.
        expect(guard(JSON.parse(JSON.stringify(sample)))).toBe(true);
        const ms = mutations(sample);
        for (const m of ms) expect({ path: m.path, ok: guard(m.value) }).toEqual({ path: m.path, ok: false });
        if (sample !== null && typeof sample === 'object' && !Array.isArray(sample)) {
          expect(guard({ ...sample, smuggled: true })).toBe(false);
        }
        expect(guard('a string')).toBe(false);
        expect(guard(42)).toBe(false);
      });
    }
  });
}

checkAll('request payloads', REQUEST_NAMES, requestGuards, requestSamples);
checkAll('responses', REQUEST_NAMES, responseGuards, responseSamples);
checkAll('events', EVENT_NAMES, eventGuards, eventSamples);

describe('specific refusals', () => {
  it('empty payloads accept {} and undefined only', () => {
    expect(requestGuards['call:list']({})).toBe(true);
    expect(requestGuards['call:list'](undefined)).toBe(true);
    expect(requestGuards['call:list']({ a: 1 })).toBe(false);
    expect(requestGuards['call:list'](null)).toBe(false);
    expect(requestGuards['call:list']([])).toBe(false);
  });
  it('refuses objects with a prototype other than Object (class instances, prototype pollution attempts)', () => {
    class Sneaky { callId = 'call-1'; }
    expect(requestGuards['call:hangup'](new Sneaky())).toBe(false);
    expect(requestGuards['call:hangup'](JSON.parse('{"callId":"call-1","__proto__":{"x":1}}'))).toBe(false);
  });
  it('refuses bad field contents, not only bad types', () => {
    expect(requestGuards['call:dtmf']({ callId: 'c', digits: '12x' })).toBe(false);
    expect(requestGuards['call:dtmf']({ callId: 'c', digits: '' })).toBe(false);
    expect(requestGuards['call:dial']({ number: '600; rm -rf' })).toBe(false);
    expect(requestGuards['call:dial']({ number: 'x'.repeat(81) })).toBe(false);
    expect(requestGuards['accounts:save']({ server: 'evil host' })).toBe(false);
    expect(requestGuards['accounts:save']({ server: 'pbx:99999x' })).toBe(false);
    expect(requestGuards['accounts:save']({ codecs: ['ulaw', 'speex'] })).toBe(false);
    expect(requestGuards['accounts:save']({ secret: 'x'.repeat(257) })).toBe(false);
    expect(requestGuards['audio:gains']({ inputDb: 21 })).toBe(false);
    expect(requestGuards['audio:gains']({ inputDb: Number.NaN })).toBe(false);
    expect(requestGuards['settings:update']({ localPort: 65536 })).toBe(false);
    expect(requestGuards['settings:update']({ jitter: { maxMs: 10 } })).toBe(false);
    expect(requestGuards['history:list']({ limit: 1.5 })).toBe(false);
    expect(requestGuards['call:hangup']({ callId: '../../etc' })).toBe(false);
    expect(requestGuards['call:echo-test']({ codec: 'speex' })).toBe(false);
    expect(requestGuards['call:echo-test']({ codec: 'opus', extra: 1 })).toBe(false);
    expect(requestGuards['call:echo-test'](undefined)).toBe(true);
  });
  it('dials through an account or directly to an address, never both, and checks the address', () => {
    expect(requestGuards['call:dial']({ number: '102', direct: { server: 'localhost:4570', username: 'anything' } })).toBe(true);
    expect(requestGuards['call:dial']({ number: '102', direct: { server: '[::1]:4569' } })).toBe(true);
    expect(requestGuards['call:dial']({ number: '102', accountId: 'acc-1', direct: { server: 'pbx' } })).toBe(false);
    expect(requestGuards['call:dial']({ number: '102', direct: { server: 'evil host/../x' } })).toBe(false);
    expect(requestGuards['call:dial']({ number: '102', direct: { server: 'pbx', username: 'a b' } })).toBe(false);
    expect(requestGuards['call:dial']({ number: '102', direct: { server: 'pbx', secret: 'x' } })).toBe(false);
    // A direct call's address travels in the call's and the history's views, in the same form.
    expect(responseGuards['call:dial']({ ...responseSamples['call:dial'], remoteAddress: '192.0.2.4:4569' })).toBe(true);
    expect(responseGuards['call:dial']({ ...responseSamples['call:dial'], remoteAddress: '192.0.2.4 4569' })).toBe(false);
  });
  it('accepts the secret as null (forget) but never exposes it in a view', () => {
    expect(requestGuards['accounts:save']({ id: 'acc-1', secret: null })).toBe(true);
    expect(responseGuards['accounts:save']({ ...responseSamples['accounts:save'], secret: 'x' })).toBe(false);
  });
  it('checkRequest names unknown channels and invalid payloads', () => {
    expect(checkRequest('call:dial', { number: '600' })).toEqual({ ok: true, name: 'call:dial' });
    expect(checkRequest('shell:exec', {})).toEqual({ ok: false, message: "unknown request 'shell:exec'" });
    expect(checkRequest('toString', {})).toMatchObject({ ok: false });
    expect(checkRequest('__proto__', {})).toMatchObject({ ok: false });
    expect(checkRequest('call:dial', { number: 600 })).toEqual({ ok: false, message: "invalid payload for 'call:dial'" });
  });
  it('AES-128 encryption: the account mode is one of off/on/required, the call flag a boolean, both required in views', () => {
    for (const mode of ['off', 'on', 'required']) {
      expect(requestGuards['accounts:save']({ id: 'acc-1', encryption: mode })).toBe(true);
      expect(responseGuards['accounts:save']({ ...responseSamples['accounts:save'], encryption: mode })).toBe(true);
    }
    for (const bad of ['yes', 'aes128', 'ON', '', true, null]) {
      expect(requestGuards['accounts:save']({ id: 'acc-1', encryption: bad })).toBe(false);
      expect(responseGuards['accounts:save']({ ...responseSamples['accounts:save'], encryption: bad })).toBe(false);
    }
    // Absent is fine in an input (keeps the current mode, 'off' for a new account), not in a view.
    expect(requestGuards['accounts:save']({ server: 'pbx.example.org', username: 'alice' })).toBe(true);
    const { encryption: _e, ...oldAccount } = responseSamples['accounts:save'];
    expect(responseGuards['accounts:save'](oldAccount)).toBe(false);
    const { encrypted: _x, ...oldCall } = eventSamples['call:updated'];
    expect(eventGuards['call:updated'](oldCall)).toBe(false);
    expect(eventGuards['call:updated']({ ...oldCall, encrypted: false })).toBe(true);
    expect(eventGuards['call:updated']({ ...oldCall, encrypted: 'yes' })).toBe(false);
  });
  it('trace IEs: 0–255, or -1 for the engine\'s ENCRYPTED pseudo-IE', () => {
    const withIe = (type: number) => ({ ...eventSamples.trace, ies: [{ type, name: 'X', value: 'y' }] });
    expect(eventGuards.trace(withIe(-1))).toBe(true);
    expect(eventGuards.trace(withIe(255))).toBe(true);
    expect(eventGuards.trace(withIe(-2))).toBe(false);
    expect(eventGuards.trace(withIe(256))).toBe(false);
    expect(eventGuards.trace(withIe(0.5))).toBe(false);
  });
  it('trace views never carry raw bytes', () => {
    expect(eventGuards.trace({ ...eventSamples.trace, raw: [1, 2, 3] })).toBe(false);
  });
});
