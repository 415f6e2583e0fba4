// Re-registration on a network change (spec N-3): the watcher reports a change of external addresses, and only that.
import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { addressSignature, watchNetwork } from '../../../electron/adapters/network-watch.js';
import { until } from '../../support/wait.js';

const iface = (address: string, internal = false): NetworkInterfaceInfo => ({
  address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24`,
});

describe('network watch', () => {
  it('signs only external addresses, independent of order', () => {
    const a = addressSignature({ lo: [iface('127.0.0.1', true)], wlan0: [iface('192.0.2.10')], eth0: [iface('198.51.100.7')] });
    const b = addressSignature({ eth0: [iface('198.51.100.7')], wlan0: [iface('192.0.2.10')] });
    expect(a).toBe(b);
    expect(a).not.toBe(addressSignature({ wlan0: [iface('192.0.2.11')] }));
  });

  it('calls back once per change, not while nothing changes', async () => {
    let current: ReturnType<typeof import('node:os').networkInterfaces> = { wlan0: [iface('192.0.2.10')] };
    let changes = 0;
    let polls = 0;
    const stop = watchNetwork(() => { changes++; }, { intervalMs: 10, interfaces: () => { polls++; return current; } });
    await until('five polls', () => polls >= 5, 1000);
    expect(changes).toBe(0);
    current = { wwan0: [iface('203.0.113.5')] };
    await until('change seen', () => changes === 1, 1000);
    const seen = polls;
    await until('five more polls', () => polls >= seen + 5, 1000);
    expect(changes).toBe(1);
    stop();
  });
});
