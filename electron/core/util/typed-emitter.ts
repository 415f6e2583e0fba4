// A minimal typed event emitter (mediasoup's typed-events idea): the event map is a type, so a
// listener for 'ended' cannot be handed the payload of 'dtmf'. No dependency on node:events, so it
// also runs in the renderer and in workers.
export type EventMap = { [name: string]: unknown };
export type Listener<T> = (payload: T) => void;

export class TypedEmitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<Listener<never>>>();

  on<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) { set = new Set(); this.listeners.set(name, set); }
    set.add(listener as Listener<never>);
    return () => this.off(name, listener);
  }

  once<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    const off = this.on(name, (payload) => { off(); listener(payload); });
    return off;
  }

  off<K extends keyof E>(name: K, listener: Listener<E[K]>): void {
    this.listeners.get(name)?.delete(listener as Listener<never>);
  }

  /** Listener exceptions are isolated: one broken listener must not stop the protocol engine. */
  protected emit<K extends keyof E>(name: K, payload: E[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const l of [...set]) {
      try { (l as Listener<E[K]>)(payload); } catch (err) { this.onListenerError(err, String(name)); }
    }
  }

  protected onListenerError(err: unknown, event: string): void {
    // Surfaced but never rethrown into the emitter's caller.
    queueMicrotask(() => { throw Object.assign(new Error(`listener for '${event}' threw`), { cause: err }); });
  }

  removeAllListeners(): void { this.listeners.clear(); }
}
