// The API's request/event RPC over a message link (electron/shared/rpc.ts): results and typed errors, requests
// refused before the backend, event subscriptions, invalid events dropped, closing and timeouts.
import { describe, expect, it } from 'vitest';
import { ApiError, type EventName, type Events, type RedialApi, type RequestName } from '../../../electron/shared/api.js';
import { createApiClient, serveApi, type MessageLink, type WireMessage } from '../../../electron/shared/rpc.js';
import { TypedEmitter } from '../../../electron/core/util/typed-emitter.js';
import { eventSamples, responseSamples } from './samples.js';

/** Two ends of an in-memory link, JSON round-tripping like the WebSocket does, delivered asynchronously. */
function pipe(): { a: MessageLink; b: MessageLink; sent: WireMessage[]; close(): void } {
  const rxA: ((m: unknown) => void)[] = [];
  const rxB: ((m: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  const sent: WireMessage[] = [];
  const mk = (tx: ((m: unknown) => void)[], rx: ((m: unknown) => void)[]): MessageLink => ({
    send(m) { sent.push(m); const copy: unknown = JSON.parse(JSON.stringify(m)); queueMicrotask(() => { for (const r of tx) r(copy); }); },
    onMessage(r) { rx.push(r); },
    onClose(c) { closers.push(c); },
  });
  return { a: mk(rxB, rxA), b: mk(rxA, rxB), sent, close: () => closers.forEach((c) => c()) };
}

class FakeBackend extends TypedEmitter<Events> implements RedialApi {
  readonly calls: [string, unknown][] = [];
  request(name: RequestName, payload?: unknown): Promise<never> {
    this.calls.push([name, payload]);
    if (name === 'call:hangup') return Promise.reject(new ApiError('unknown-call', 'that call has ended'));
    if (name === 'call:mute') return Promise.resolve({ not: 'valid' } as never);
    return Promise.resolve(responseSamples[name] as never);
  }
  fire<K extends EventName>(name: K, payload: Events[K]): void { this.emit(name, payload); }
  count(name: EventName): number { return this.listenerCount(name); }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('rpc over a message link', () => {
  it('carries requests, results and typed errors', async () => {
    const p = pipe();
    const backend = new FakeBackend();
    serveApi(backend, p.b, { checkResponses: true });
    const client = createApiClient(p.a, { validate: true });
    await expect(client.request('call:list')).resolves.toEqual(responseSamples['call:list']);
    await expect(client.request('call:dial', { number: '600' })).resolves.toEqual(responseSamples['call:dial']);
    expect(backend.calls).toEqual([['call:list', {}], ['call:dial', { number: '600' }]]);
    const err = await client.request('call:hangup', { callId: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'unknown-call', message: 'that call has ended' });
    // The backend answered garbage: the server refuses to pass it on.
    await expect(client.request('call:mute', { callId: 'c1', muted: true })).rejects.toMatchObject({ code: 'internal' });
  });

  it('refuses invalid requests before they reach the backend', async () => {
    const p = pipe();
    const backend = new FakeBackend();
    serveApi(backend, p.b);
    const client = createApiClient(p.a);
    const bad = client.request as (n: string, p: unknown) => Promise<unknown>;
    await expect(bad('call:dial', { number: 600 })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(bad('fs:read', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'invalid-request' });
    expect(backend.calls).toEqual([]);
  });

  it('forwards only the events the client listens to, and stops when it unsubscribes', async () => {
    const p = pipe();
    const backend = new FakeBackend();
    serveApi(backend, p.b);
    const client = createApiClient(p.a, { validate: true });
    const got: unknown[] = [];
    const off = client.on('call:dtmf', (e) => got.push(e));
    await tick();
    expect(backend.count('call:dtmf')).toBe(1);
    expect(backend.count('levels')).toBe(0);
    backend.fire('call:dtmf', eventSamples['call:dtmf']);
    backend.fire('levels', eventSamples.levels);
    await tick();
    expect(got).toEqual([eventSamples['call:dtmf']]);
    expect(p.sent.filter((m) => m.t === 'evt').map((m) => (m as { name: string }).name)).toEqual(['call:dtmf']);
    off();
    await tick();
    expect(backend.count('call:dtmf')).toBe(0);
  });

  it('drops invalid events when validating', async () => {
    const p = pipe();
    const backend = new FakeBackend();
    serveApi(backend, p.b);
    const client = createApiClient(p.a, { validate: true });
    const got: unknown[] = [];
    client.on('call:dtmf', (e) => got.push(e));
    await tick();
    backend.fire('call:dtmf', { callId: 'c1', digit: 'xx' });
    backend.fire('call:dtmf', { callId: 'c1', digit: '#' });
    await tick();
    expect(got).toEqual([{ callId: 'c1', digit: '#' }]);
  });

  it('fails pending requests when the link closes, and times out unanswered ones', async () => {
    const p = pipe();
    const client = createApiClient(p.a, { timeoutMs: 50 });
    const pending = client.request('call:list');
    p.close();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    const p2 = pipe();
    const c2 = createApiClient(p2.a, { timeoutMs: 30 });
    await expect(c2.request('call:list')).rejects.toMatchObject({ code: 'timeout' });
  });
});
