// Notices when this machine's network addresses change (Wi-Fi to LTE, a VPN coming up, a laptop waking on another
// network) so the engine re-registers at once (spec N-3, §8.4: Asterisk ties a registration to our exact IP:port,
// and calls and incoming NEWs go nowhere until it learns the new one). Polls os.networkInterfaces(): there is no
// portable change event in Node, and a cheap poll every few seconds costs nothing measurable.
import { networkInterfaces } from 'node:os';

type Interfaces = ReturnType<typeof networkInterfaces>;

export interface NetworkWatchOptions {
  readonly intervalMs?: number;
  /** For tests. */
  readonly interfaces?: () => Interfaces;
}

/** The external addresses, sorted: what a change of network changes. */
export function addressSignature(ifaces: Interfaces): string {
  const addrs: string[] = [];
  for (const [name, list] of Object.entries(ifaces)) {
    for (const a of list ?? []) if (!a.internal) addrs.push(`${name}/${a.family}/${a.address}`);
  }
  return addrs.sort().join(',');
}

/** Calls `changed` whenever the machine's external addresses differ from the last poll. Returns the stop function. */
export function watchNetwork(changed: () => void, options: NetworkWatchOptions = {}): () => void {
  const read = options.interfaces ?? networkInterfaces;
  let last = addressSignature(read());
  const timer = setInterval(() => {
    let now: string;
    try { now = addressSignature(read()); } catch { return; }
    if (now === last) return;
    last = now;
    changed();
  }, options.intervalMs ?? 5000);
  timer.unref();
  return () => clearInterval(timer);
}
