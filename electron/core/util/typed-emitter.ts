// A minimal typed event emitter (mediasoup's typed-events idea): the event map is a type, so a
// listener for 'ended' cannot be handed the payload of 'dtmf'. No dependency on node:events, so it
// also runs in the renderer and in workers.
export type EventMap = { [name: string]: unknown };
export type Listener<T> = (payload: T) => void;

export class TypedEmitter<E extends EventMap> {
  // Copy on write: on/off replace the array, emit walks the one it found, so a listener added or removed during an
  // emit takes effect from the next one, and emitting (every voice frame) allocates nothing.
  private readonly listeners = new Map<keyof E, readonly Listener<never>[]>();

  on<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    const list = this.listeners.get(name) ?? [];
    if (!list.includes(listener as Listener<never>)) this.listeners.set(name, [...list, listener as Listener<never>]);
    return () => this.off(name, listener);
  }

  once<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    const off = this.on(name, (payload) => { off(); listener(payload); });
    return off;
  }

  off<K extends keyof E>(name: K, listener: Listener<E[K]>): void {
    const list = this.listeners.get(name);
    if (!list?.includes(listener as Listener<never>)) return;
    const rest = list.filter((l) => l !== listener);
    if (rest.length > 0) this.listeners.set(name, rest);
    else this.listeners.delete(name);
  }

  /** Listener exceptions are isolated: one broken listener must not stop the protocol engine. */
  protected emit<K extends keyof E>(name: K, payload: E[K]): void {
    const list = this.listeners.get(name);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try { (list[i] as Listener<E[K]>)(payload); } catch (err) { this.onListenerError(err, String(name)); }
    }
  }

  protected onListenerError(err: unknown, event: string): void {
    // Surfaced but never rethrown into the emitter's caller.
    queueMicrotask(() => { throw Object.assign(new Error(`listener for '${event}' threw`), { cause: err }); });
  }

  listenerCount(name: keyof E): number { return this.listeners.get(name)?.length ?? 0; }

  removeAllListeners(): void { this.listeners.clear(); }
}
