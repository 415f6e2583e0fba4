// Child-process entry of the security bench's long fuzz run (test/bench/security.ts): an engine in listen mode (call
// tokens required) with one account registered to a scripted server, fed N fuzzed datagrams over loopback from four
// sockets (test/support/fuzz-corpus.ts); then a real direct call must still set up. Run with --expose-gc so the heap
// figures are after a full collection. Prints a FuzzResult as one JSON line.
//   node --expose-gc dist/test/support/fuzz-child.js 1000000
import { createSocket, type Socket } from 'node:dgram';
import { createIax2Engine } from '../../electron/core/iax2/engine.js';
import { CountingSocket } from './counting-socket.js';
import { startDirectCaller } from './direct-listener.js';
import { blastDatagrams } from './fuzz-corpus.js';
import { ScriptedPeer } from './scripted-peer.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from './scripted-peer-calls-net.js';

export interface FuzzResult {
  readonly received: number;
  readonly seconds: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly sizes: { readonly dialogs: number; readonly tombstones: number; readonly callNumbers: number };
  readonly errors: number;
  readonly registered: boolean;
  readonly callSetupMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => { gc?.(); gc?.(); return process.memoryUsage().heapUsed; };

const count = Number(process.argv[2] ?? 1_000_000);
const peer = await ScriptedPeer.start();
peer.enableRegistrar({ users: { '1001': { secret: 's' } }, grantRefresh: () => 30 });
const socket = new CountingSocket(await LoopbackUdpPort.bind(0));
let errors = 0;
const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0,
  logger: { log: (level) => { if (level === 'error') errors++; } } });
engine.setAccounts([{ id: 'real', server: peer.server, username: '1001', secret: 's' }]);
engine.setAcceptDirectCalls(true, ['ulaw']);
engine.on('incoming', (c) => c.answer());
for (let i = 0; i < 500 && engine.registrations()[0]?.status !== 'registered'; i++) await new Promise((r) => setTimeout(r, 10));

const senders: Socket[] = [];
for (let i = 0; i < 4; i++) {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  senders.push(s);
}
const heapBefore = heap();
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
await blastDatagrams({ count, seed: 7, port: socket.local.port, senders, received: () => socket.rxPackets, calls: () => [] });
const seconds = (performance.now() - started) / 1000;
const heapAfter = heap();
const rssAfter = process.memoryUsage().rss;
const sizes = engine.stateSizes();
const caller = await startDirectCaller();
const { setupMs, call } = await caller.call(socket.local.port, 10_000);
call.hangup();
const result: FuzzResult = {
  received: socket.rxPackets, seconds, heapBefore, heapAfter, rssBefore, rssAfter,
  sizes: { dialogs: sizes.dialogs, tombstones: sizes.tombstones, callNumbers: sizes.callNumbers }, errors,
  registered: engine.registrations()[0]?.status === 'registered', callSetupMs: setupMs,
};
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
