// The CLI's composition root: one UDP socket, the system clock, DNS, and the pure engine, plus the debug trace
// (text on stderr) and the optional pcap capture. Every command starts here.
import { writeFileSync } from 'node:fs';
import { createIax2Engine, type Iax2EngineImpl } from '../core/iax2/engine.js';
import type { AccountConfig } from '../core/iax2/engine-api.js';
import type { TraceEntry } from '../core/iax2/trace-types.js';
import { formatTraceText } from '../core/iax2/trace/format.js';
import { pcapFromTrace } from '../core/iax2/trace/pcap.js';
import type { UdpSocketPort } from '../core/ports.js';
import { DgramUdpBinder } from '../adapters/dgram-udp.js';
import { DnsResolver } from '../adapters/dns-resolver.js';
import { watchNetwork } from '../adapters/network-watch.js';
import { NodeRandom } from '../adapters/node-random.js';
import { SystemClock } from '../adapters/system-clock.js';
import type { CommonOptions, ServerAccount } from './args.js';
import { CliOutput } from './output.js';

export interface Runtime {
  readonly engine: Iax2EngineImpl;
  readonly socket: UdpSocketPort;
  readonly clock: SystemClock;
  readonly out: CliOutput;
  /** Hangs up, unregisters (REGREL), writes the pcap, closes the socket. Idempotent. */
  close(): Promise<void>;
}

export async function startRuntime(common: CommonOptions, out: CliOutput): Promise<Runtime> {
  const socket = await new DgramUdpBinder().bind({ port: common.localPort, fallbackToEphemeral: true });
  const clock = new SystemClock();
  const engine = createIax2Engine({ socket, clock, random: new NodeRandom(), resolver: new DnsResolver() });
  const captured: TraceEntry[] = [];
  if (common.debug || common.pcap !== undefined) {
    engine.on('trace', (e) => {
      if (common.debug) out.trace(formatTraceText(e));
      if (common.pcap !== undefined) captured.push(e);
    });
  }
  engine.on('warning', (message) => out.emit({ event: 'notice', message }));
  out.emit({ event: 'started', localPort: socket.local.port });
  if (common.localPort !== 0 && socket.local.port !== common.localPort) {
    out.emit({ event: 'notice', message: `UDP port ${common.localPort} is in use; using ${socket.local.port} instead` });
  }
  // A new network (Wi-Fi to LTE, VPN, wake-up elsewhere): re-register at once (spec N-3, §8.4).
  const stopWatching = watchNetwork(() => engine.reregister());
  let closing: Promise<void> | undefined;
  return {
    engine, socket, clock, out,
    close(): Promise<void> {
      closing ??= (async () => {
        stopWatching();
        try { await engine.shutdown(); } finally {
          if (common.pcap !== undefined) {
            const local = { address: '127.0.0.1', port: socket.local.port };
            writeFileSync(common.pcap, pcapFromTrace(captured, local, clock.wallTime().getTime() - clock.now()));
          }
          await socket.close();
        }
      })();
      return closing;
    },
  };
}

/** The engine's account for a command-line account (its id is fixed: the CLI has one account at most). */
export function accountConfig(
  account: ServerAccount, secret: string | undefined, common: CommonOptions, register: boolean,
): AccountConfig {
  return {
    id: 'cli',
    server: account.server,
    username: account.username,
    ...(secret !== undefined ? { secret } : {}),
    auth: account.auth,
    refreshSeconds: account.refreshSeconds,
    encryption: account.encryption,
    ...(account.callerIdName !== undefined ? { callerIdName: account.callerIdName } : {}),
    ...(account.callerIdNumber !== undefined ? { callerIdNumber: account.callerIdNumber } : {}),
    codecs: common.codecs,
    register,
  };
}
