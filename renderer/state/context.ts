// Preact glue for the store: a context carrying it, and a hook that re-renders a component only when the
// slice it selects changes (compared by identity; the store replaces objects it changes).

import { createContext } from 'preact';
import { useContext, useEffect, useReducer, useRef } from 'preact/hooks';
import type { PhoneState, PhoneStore } from './store.js';

export const StoreContext = createContext<PhoneStore | null>(null);

export function usePhone(): PhoneStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePhone outside <StoreContext.Provider>');
  return store;
}

export function useStore<T>(select: (s: PhoneState) => T): T {
  const store = usePhone();
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const selected = select(store.getState());
  const latest = useRef({ select, selected });
  latest.current = { select, selected };
  useEffect(() => store.subscribe(() => {
    const next = latest.current.select(store.getState());
    if (!Object.is(next, latest.current.selected)) bump(0);
  }), [store]);
  return selected;
}

/** Current wall-clock ms, refreshed every `periodMs` while `active` (call timers). */
export function useNow(active: boolean, periodMs = 1000): number {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => bump(0), periodMs);
    return () => clearInterval(t);
  }, [active, periodMs]);
  return Date.now();
}
