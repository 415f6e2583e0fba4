// Remote text is shown escaped everywhere (docs/security.md "Remote text"): a caller name that sets the terminal
// title, a number that forges an output line, a TEXT that clears the screen and a cause with a bidirectional
// override reach the CLI's human output, the phone's views, notices and history only as visible \xNN / \u{NNNN}
// escapes; --json keeps the exact text (it parses back to it) yet prints no raw control character.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PhoneService } from '../../electron/core/phone/phone-service.js';
import { NullPhoneMedia } from '../../electron/core/phone/media-port.js';
import type { StoredAccounts } from '../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../electron/core/phone/call-history.js';
import { IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import { MemorySecretStore } from '../../electron/adapters/secret-memory-store.js';
import { notifyCalls, type NotificationCtor } from '../../electron/main/incoming-notification.js';
import { watchPhoneStatus } from '../../electron/main/phone-status.js';
import type { Events, Settings } from '../../electron/shared/api.js';
import { displayText, terminalSafeJson } from '../../electron/shared/display-text.js';
import { ensureBuilt } from '../support/cli.js';
import { FakeClock } from '../support/fake-clock.js';
import { ScriptedCallPeer } from '../support/scripted-peer-calls.js';
import { until } from '../support/wait.js';
import { FakeEngine } from '../unit/phone/fake-engine.js';
import { MemoryDocumentStore } from '../../electron/adapters/memory-document-store.js';

const NAME = '\x1b]0;pwned\x07Mallory\x1b[2J';
const NUMBER = '6001\nCall 1: ended by local';
const TEXT = 'hi \x1b[31mred\r\nError: forged line \u009b2J';
const CAUSE = 'bye \u202eevil\u202c \x1b[H';
/** Raw control, C1 and bidirectional characters: none may reach a terminal or the UI. */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const bin = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));

function hostileNew(): IeWriter {
  return new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '1001').string(IeType.CODEC_PREFS, 'D')
    .string(IeType.CALLING_NUMBER, NUMBER).u8(IeType.CALLINGPRES, 0).string(IeType.CALLING_NAME, NAME)
    .u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 4n).u32(IeType.CAPABILITY, 4).versionedU64(IeType.CAPABILITY2, 4n)
    .empty(IeType.CALLTOKEN);
}

/** `redial listen` (direct, auto-answer) called by a hostile peer; returns everything it printed on stdout. */
async function hostileCall(json: boolean): Promise<string> {
  const peer = await ScriptedCallPeer.start();
  const proc = spawn(process.execPath, [bin, 'listen', '--port', '0', '--max-calls', '1', '--input-device', 'fake',
    '--output-device', 'fake', ...(json ? ['--json'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
  const exited = new Promise<number>((r) => proc.on('exit', (code) => r(code ?? -1)));
  try {
    await until('listening', () => /"localPort":\d+|UDP port \d+/.test(out), 20_000);
    const port = Number(/"localPort":(\d+)|UDP port (\d+)/.exec(out)?.slice(1).find(Boolean));
    peer.call({ address: '127.0.0.1', port }, hostileNew());
    await peer.waitFrame(FrameType.CONTROL, ControlSubclass.ANSWER, 1, 10_000);
    peer.send(FrameType.TEXT, 0, new TextEncoder().encode(TEXT));
    await until('text printed', () => out.includes('text'), 10_000);
    peer.send(FrameType.IAX, IaxSubclass.HANGUP, new IeWriter().string(IeType.CAUSE, CAUSE).u8(IeType.CAUSECODE, 16).finish());
    expect(await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-2), 20_000))])).toBe(0);
    return out;
  } catch (e) {
    throw new Error(`${String(e)}\nstdout: ${out}\nstderr: ${err}`);
  } finally {
    proc.kill('SIGKILL');
    await peer.close();
  }
}

describe('remote text in the CLI', () => {
  it('human output: names, numbers, TEXT and causes arrive escaped, on the lines they belong to', async () => {
    ensureBuilt();
    const out = await hostileCall(false);
    expect(out).not.toMatch(RAW_UNSAFE);
    expect(out).toContain(displayText(NAME));
    expect(out).toContain(displayText(NUMBER));
    expect(out).toContain(displayText(TEXT));
    expect(out).toContain(displayText(CAUSE));
    // The forged lines stayed inside the lines they came in.
    expect(out.split('\n').filter((l) => /^Call 1: ended by local$|^Error: forged line/.test(l))).toEqual([]);
  });

  it('--json: every line parses back to the exact remote text, and no raw control character is printed', async () => {
    const out = await hostileCall(true);
    expect(out).not.toMatch(RAW_UNSAFE);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.event === 'incoming')).toMatchObject({ fromName: NAME, from: NUMBER });
    expect(events.find((e) => e.event === 'text')).toMatchObject({ text: TEXT, direction: 'rx' });
    expect(events.find((e) => e.event === 'hangup')).toMatchObject({ cause: CAUSE, by: 'remote' });
  });

  it('terminalSafeJson round-trips every code point it escapes', () => {
    const value = { s: `${NAME}${TEXT}${CAUSE}\u2028\u2066\u007f` };
    const line = terminalSafeJson(value);
    expect(line).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(line)).toEqual(value);
  });
});

describe('remote text in the app (views, notices, notifications, history)', () => {
  it('the phone hands the UI escaped names, numbers, TEXT, causes and notices; history, old entries included, too', async () => {
    const engine = new FakeEngine();
    const history = new MemoryDocumentStore<StoredHistory>();
    // An entry saved by an older version, raw.
    await history.save({ version: 1, entries: [{ id: 'old', direction: 'incoming', number: NUMBER, remoteName: NAME,
      startedAt: 1, endedAt: 2, outcome: 'missed', durationSeconds: 0, cause: CAUSE }] });
    const phone = new PhoneService({
      engine, clock: new FakeClock(), secrets: new MemorySecretStore(), media: new NullPhoneMedia(),
      stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history, settings: new MemoryDocumentStore<Settings>() },
      info: { name: 'Redial', version: '0', host: 'headless', platform: 'linux', secretStorage: 'memory' },
      newId: () => 'a1',
    });
    await phone.start();
    const seen: unknown[] = [];
    for (const name of ['call:incoming', 'call:text', 'call:ended', 'notice'] as const) phone.on(name, (p) => seen.push(p));
    const bodies: string[] = [];
    class FakeNotification {
      static isSupported(): boolean { return true; }
      constructor(o: { body?: string; title?: string }) { bodies.push(`${o.title ?? ''}|${o.body ?? ''}`); }
      on(): void { /* clicks not needed */ }
      show(): void { /* shown */ }
      close(): void { /* gone */ }
    }
    const watch = watchPhoneStatus(phone);
    await watch.reload();
    notifyCalls({ api: phone, Notification: FakeNotification as unknown as NotificationCtor, watch, windowInFront: () => false, show: () => undefined });
    const call = engine.ring({ name: NAME, number: NUMBER });
    call.fire('text', TEXT);
    call.end('remote', { cause: CAUSE, causeCode: 16, error: { code: 'rejected', message: `The other side said: "${CAUSE}"` } });
    await until('ended', () => seen.some((p) => (p as Events['call:ended']).end !== undefined));
    let list = await phone.request('history:list', {});
    for (let i = 0; i < 100 && list.length < 2; i++) { await new Promise((r) => setTimeout(r, 5)); list = await phone.request('history:list', {}); }
    const shown = JSON.stringify({ seen, list, bodies });
    expect(shown).not.toMatch(/\\u001b|\\u0007|\\n(?!")|\\r|\\u009b|\u202e|\u202c/);
    expect(JSON.stringify(seen)).toContain(JSON.stringify(displayText(NAME)).slice(1, -1));
    expect(list.map((h) => h.remoteName)).toEqual([displayText(NAME), displayText(NAME)]);
    expect(list.map((h) => h.cause)).toEqual([displayText(CAUSE), displayText(CAUSE)]);
    expect(bodies.join('')).toContain(displayText(NAME));
  });
});
