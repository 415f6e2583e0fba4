// The `redial` command runs its engine and call audio in a session process, not in the process that talks to the
// terminal. Here the front process of a calling `redial` is stopped (SIGSTOP) for 250 ms at a time during a call:
// the session process must go on sending voice every 20 ms, and the far end's beeps must reach the recording. The
// control stops the session process itself (3 × 250 ms), and the same detector must find it, so the test can fail.
// The detector is the longest pause between two datagrams the caller sent, from its own --pcap (each record stamped
// when the session sent it): what the recording shows of a stall depends on the jitter buffer (a hole, or the queued
// frames played late and the delay absorbed), what the session sends does not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeWav, decodeWav } from '../../electron/core/media/wav.js';
import { freeUdpPort } from '../support/udp-port.js';
import { ensureBuilt, startCli, type RunningCli } from '../support/cli.js';
import { toneAmplitude } from '../support/signals.js';

const BEEP_EVERY_MS = 500;
const BEEP_MS = 100;

/** `seconds` of a 1000 Hz beep for BEEP_MS every BEEP_EVERY_MS (8 kHz). */
function beepsWav(path: string, seconds: number, hz = 1000): void {
  const rate = 8000;
  const samples = new Int16Array(rate * seconds);
  for (let i = 0; i < samples.length; i++) {
    const ms = (i * 1000) / rate;
    if (ms % BEEP_EVERY_MS < BEEP_MS) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate));
  }
  writeFileSync(path, encodeWav({ sampleRate: rate, channels: 1, samples }));
}

function toneWav(path: string, seconds: number, hz: number): void {
  const rate = 8000;
  const samples = new Int16Array(rate * seconds);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate));
  writeFileSync(path, encodeWav({ sampleRate: rate, channels: 1, samples }));
}

/** The longest pause (ms) between two datagrams sent from `port`, in a pcap (LINKTYPE_RAW, IPv4, microseconds). */
function longestSendPauseMs(path: string, port: number): number {
  const b = readFileSync(path);
  let at = 24;
  let last: number | undefined;
  let longest = 0;
  while (at + 16 <= b.length) {
    const t = b.readUInt32LE(at) * 1000 + b.readUInt32LE(at + 4) / 1000;
    const len = b.readUInt32LE(at + 8);
    const ip = at + 16;
    const udp = ip + (b[ip]! & 0x0f) * 4;
    if (b.readUInt16BE(udp) === port) {
      if (last !== undefined) longest = Math.max(longest, t - last);
      last = t;
    }
    at = ip + len;
  }
  return Math.round(longest);
}

/** The recorded beeps: how many, and the largest deviation of the spacing between their onsets from BEEP_EVERY_MS. */
function beepTiming(path: string): { beeps: number; worstMs: number } {
  const wav = decodeWav(readFileSync(path));
  const win = Math.round(wav.sampleRate / 200); // 5 ms windows
  const rms: number[] = [];
  for (let i = 0; i + win <= wav.samples.length; i += win) {
    let e = 0;
    for (let j = i; j < i + win; j++) e += (wav.samples[j] ?? 0) ** 2;
    rms.push(Math.sqrt(e / win));
  }
  const peak = Math.max(...rms);
  const onsets: number[] = [];
  for (let i = 1; i < rms.length; i++) if ((rms[i] ?? 0) > peak / 4 && (rms[i - 1] ?? 0) <= peak / 4) onsets.push(i * 5);
  let worst = 0;
  for (let i = 1; i < onsets.length; i++) worst = Math.max(worst, Math.abs((onsets[i] ?? 0) - (onsets[i - 1] ?? 0) - BEEP_EVERY_MS));
  return { beeps: onsets.length, worstMs: worst };
}

const sessionPid = (frontPid: number): number =>
  Number(execFileSync('pgrep', ['-P', String(frontPid), '-f', 'session-process']).toString().trim().split('\n')[0]);

describe('redial CLI: audio does not depend on the front process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redial-cli-session-'));
  const running: RunningCli[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => { for (const c of running.splice(0)) { try { process.kill(c.proc.pid ?? 0, 'SIGCONT'); } catch { /* gone */ } c.kill('SIGKILL'); } });

  async function callWithBeeps(name: string, disturb: (caller: RunningCli) => Promise<void>):
  Promise<{ beeps: number; worstMs: number; pauseMs: number }> {
    const tone = join(dir, `${name}-beeps.wav`);
    const rec = join(dir, `${name}-rec.wav`);
    const pcap = join(dir, `${name}.pcap`);
    beepsWav(tone, 12);
    const calleePort = await freeUdpPort();
    const callee = startCli(['listen', '--port', String(calleePort), '--json', '--play', tone, '--output-device', 'fake',
      '--max-calls', '1']);
    running.push(callee);
    await callee.waitForEvent((e) => e.event === 'started');
    const caller = startCli(['call', `iax:test@127.0.0.1:${calleePort}/100`, '--port', '0', '--json', '--record', rec,
      '--pcap', pcap, '--input-device', 'fake', '--hangup-after', '7']);
    running.push(caller);
    const port = Number((await caller.waitForEvent((e) => e.event === 'started')).localPort);
    await caller.waitForEvent((e) => e.event === 'answered');
    await sleep(1000);
    await disturb(caller);
    expect(await caller.exited(30_000), caller.stderr()).toBe(0);
    return { ...beepTiming(rec), pauseMs: longestSendPauseMs(pcap, port) };
  }

  it('keeps the call audio whole while the front process is stopped 250 ms at a time', async () => {
    const r = await callWithBeeps('front', async (caller) => {
      const pid = caller.proc.pid as number;
      for (let i = 0; i < 8; i++) {
        process.kill(pid, 'SIGSTOP');
        await sleep(250);
        process.kill(pid, 'SIGCONT');
        await sleep(250);
      }
    });
    console.log(`front process stopped 8 × 250 ms: longest pause in sending ${r.pauseMs} ms; ${r.beeps} beeps recorded, spacing off by ${r.worstMs} ms at most`);
    expect(r.beeps).toBeGreaterThan(10);
    // A stop of the process carrying the audio pauses its sending for the whole 250 ms (the control measures it);
    // anything under 200 ms is the machine's scheduling, not such a stall (seen: up to 170 ms at load 10 on 2 cores).
    expect(r.pauseMs).toBeLessThan(200);
  }, 60_000);

  it('control: stopping the session process itself 3 × 250 ms disturbs the audio, and the detector finds it', async () => {
    const r = await callWithBeeps('control', async (caller) => {
      const pid = sessionPid(caller.proc.pid as number);
      for (let i = 0; i < 3; i++) {
        process.kill(pid, 'SIGSTOP');
        await sleep(250);
        process.kill(pid, 'SIGCONT');
        await sleep(250);
      }
    });
    console.log(`session process stopped 3 × 250 ms: longest pause in sending ${r.pauseMs} ms; ${r.beeps} beeps recorded, spacing off by ${r.worstMs} ms at most`);
    expect(r.beeps).toBeGreaterThan(10);
    expect(r.pauseMs).toBeGreaterThanOrEqual(200);
  }, 60_000);

  it('a direct call to `redial listen --codec g722` is taken in G.722, and --record-both keeps each direction', async () => {
    const calleeTone = join(dir, 'callee-1000.wav');
    const callerTone = join(dir, 'caller-600.wav');
    const both = join(dir, 'both.wav');
    toneWav(calleeTone, 6, 1000);
    toneWav(callerTone, 6, 600);
    const calleePort = await freeUdpPort();
    const callee = startCli(['listen', '--port', String(calleePort), '--json', '--codec', 'g722,ulaw', '--play', calleeTone,
      '--output-device', 'fake', '--max-calls', '1']);
    running.push(callee);
    await callee.waitForEvent((e) => e.event === 'started');
    const caller = startCli(['call', `iax:test@127.0.0.1:${calleePort}/100`, '--port', '0', '--json', '--codec', 'g722,ulaw',
      '--play', callerTone, '--output-device', 'fake', '--record-both', both, '--hangup-after', '3']);
    running.push(caller);
    expect((await caller.waitForEvent((e) => e.event === 'answered')).codec).toBe('g722');
    expect((await callee.waitForEvent((e) => e.event === 'answered')).codec).toBe('g722');
    expect(await caller.exited(20_000)).toBe(0);
    const recording = caller.events.find((e) => e.event === 'recording');
    expect(recording).toMatchObject({ file: both });
    expect(Number(recording?.seconds)).toBeGreaterThan(2);
    // The stats event carries the jitter buffer's figures next to the protocol's.
    const stats = caller.events.filter((e) => e.event === 'stats').at(-1);
    expect(stats).toMatchObject({ bufferDelayMs: expect.any(Number), lateFrames: expect.any(Number), droppedFrames: expect.any(Number) });
    const wav = decodeWav(readFileSync(both));
    expect(wav.channels).toBe(2);
    const left = new Int16Array(wav.samples.length / 2);
    const right = new Int16Array(wav.samples.length / 2);
    for (let i = 0; i < left.length; i++) { left[i] = wav.samples[2 * i] ?? 0; right[i] = wav.samples[2 * i + 1] ?? 0; }
    // Left: what we sent (600 Hz); right: what we received (the callee's 1000 Hz).
    expect(toneAmplitude(left, wav.sampleRate, 600)).toBeGreaterThan(10 * toneAmplitude(left, wav.sampleRate, 1000));
    expect(toneAmplitude(right, wav.sampleRate, 1000)).toBeGreaterThan(10 * toneAmplitude(right, wav.sampleRate, 600));
  }, 40_000);
});
