// The engine rig the call integration tests share: a ScriptedCallPeer, our engine on a loopback UDP socket, and an
// account pointing at the peer. `callRigs()` registers one afterEach that tears every rig of the test down and then
// fails the test if the engine logged an error (a listener that threw, an illegal call-state transition caught by
// the transport): such bugs must not hide behind a test whose own assertions happen to pass.
import { afterEach, expect } from 'vitest';
import { createIax2Engine, type EngineOptions, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { AccountConfig, CallEndInfo, CallHandle, CallState, VoiceFrameIn } from '../../electron/core/iax2/engine-api.js';
import type { Logger } from '../../electron/core/ports.js';
import { ScriptedCallPeer } from './scripted-peer-calls.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from './scripted-peer-calls-net.js';
import { until } from './wait.js';

export interface CallRig {
  readonly peer: ScriptedCallPeer;
  readonly engine: Iax2EngineImpl;
  readonly socket: LoopbackUdpPort;
  /** The account given to the engine (undefined with `account: null`). */
  readonly account: AccountConfig | undefined;
  /** Every 'incoming' call the engine announced, in order. */
  readonly incoming: CallHandle[];
  /** The test tears this rig down itself (e.g. to check what happens at shutdown); afterEach leaves it alone. */
  detach(): void;
}

export interface CallRigOptions {
  /** Merged over { id 'acc', server: the peer, username '1001', secret 'pw', register: false }; null: no account. */
  readonly account?: Partial<AccountConfig> | null;
  /** Extra engine options (retransmit policy, …). */
  readonly engine?: Partial<Omit<EngineOptions, 'socket' | 'clock' | 'random' | 'resolver' | 'logger'>>;
  /** Accept calls that come without a registration (engine.setAcceptDirectCalls). */
  readonly acceptDirectCalls?: boolean;
}

/** A rig factory for one test file; call it at the top level of the file (it registers the afterEach). */
export function callRigs(): (options?: CallRigOptions) => Promise<CallRig> {
  const rigs: CallRig[] = [];
  const engineErrors: string[] = [];
  const logger: Logger = {
    log: (level, message, fields) => { if (level === 'error') engineErrors.push(`${message} ${JSON.stringify(fields ?? {})}`); },
  };
  afterEach(async () => {
    const errors = engineErrors.splice(0);
    for (const r of rigs.splice(0)) {
      await r.engine.shutdown();
      await r.socket.close();
      await r.peer.close();
    }
    expect(errors).toEqual([]);
  });
  return async (options = {}) => {
    const peer = await ScriptedCallPeer.start();
    const socket = await LoopbackUdpPort.bind(0);
    const engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver,
      keepaliveMs: 0, ...options.engine, logger });
    if (options.acceptDirectCalls) engine.setAcceptDirectCalls(true);
    const incoming: CallHandle[] = [];
    engine.on('incoming', (c) => incoming.push(c));
    const account = options.account === null ? undefined
      : { id: 'acc', server: `127.0.0.1:${peer.endpoint.port}`, username: '1001', secret: 'pw', register: false, ...options.account };
    if (account) engine.setAccounts([account]);
    const rig: CallRig = { peer, engine, socket, account, incoming,
      detach: () => { const i = rigs.indexOf(rig); if (i >= 0) rigs.splice(i, 1); } };
    rigs.push(rig);
    return rig;
  };
}

export interface CallWatch {
  readonly states: CallState[];
  readonly voice: VoiceFrameIn[];
  /** Digits whose DTMF END arrived. */
  readonly dtmf: string[];
  readonly text: string[];
  readonly ended: CallEndInfo | undefined;
  readonly until: typeof until;
}

/** Collects what a call reports from now on. */
export function watchCall(call: CallHandle): CallWatch {
  const states: CallState[] = [];
  const voice: VoiceFrameIn[] = [];
  const dtmf: string[] = [];
  const text: string[] = [];
  let ended: CallEndInfo | undefined;
  call.on('state', (s) => states.push(s));
  call.on('voice', (v) => voice.push(v));
  call.on('dtmf', (d) => { if (d.phase === 'end') dtmf.push(d.digit); });
  call.on('text', (t) => text.push(t));
  call.on('ended', (e) => { ended = e; });
  return { states, voice, dtmf, text, get ended() { return ended; }, until };
}
