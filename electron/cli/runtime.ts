// The CLI's composition root: one UDP socket, the system clock, DNS, and the pure engine, plus the debug trace
// (text on stderr) and the optional pcap capture. Every command starts here.
import { createIax2Engine, type Iax2EngineImpl } from '../core/iax2/engine.js';
import type { AccountConfig } from '../core/iax2/engine-api.js';
import type { TraceEntry } from '../core/iax2/trace-types.js';
import { formatTraceText } from '../core/iax2/trace/format.js';
import type { UdpSocketPort } from '../core/ports.js';
import { DgramUdpBinder } from '../adapters/dgram-udp.js';
import { DnsResolver } from '../adapters/dns-resolver.js';
import { PcapFileCapture } from '../adapters/pcap-file-capture.js';
import { watchNetwork } from '../adapters/network-watch.js';
import { NodeRandom } from '../adapters/node-random.js';
import { SystemClock } from '../adapters/system-clock.js';
import { UsageError, type CommonOptions, type ServerAccount } from './args.js';
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
  // Streamed to disk as frames come (bounded memory under floods), secrets redacted unless asked otherwise.
  let capture: PcapFileCapture | undefined;
  if (common.pcap !== undefined) {
    try {
      capture = new PcapFileCapture({
        path: common.pcap, local: { address: '127.0.0.1', port: socket.local.port },
        epochMs: clock.wallTime().getTime() - clock.now(), keepSecrets: common.pcapKeepSecrets === true,
        ...(common.pcapMaxBytes !== undefined ? { maxBytes: common.pcapMaxBytes } : {}),
        onNotice: (message) => out.emit({ event: 'notice', message }),
      });
    } catch (err) {
      await socket.close();
      throw new UsageError(`--pcap: cannot write ${common.pcap} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (common.debug || capture) {
    engine.on('trace', (e: TraceEntry) => {
      if (common.debug) out.trace(formatTraceText(e));
      capture?.add(e);
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
          capture?.close();
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
