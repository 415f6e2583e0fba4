// Secrets never reach a capture file (docs/security.md "What a capture holds"): `redial --pcap` and the app's
// "Export pcap" overwrite PASSWORD, CHALLENGE and MD5_RESULT with '*' (lengths kept, so Wireshark still decodes
// every frame), write the file 0600, and keep them only with the documented --pcap-keep-secrets. Against the real
// Asterisk 22: MD5 (alice) and plaintext (plain) authentication, through the real `redial` command and the engine
// worker the app and the harness run.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startEngineWorker } from '../../electron/host/engine-client.js';
import { MemorySecretStore } from '../../electron/adapters/secret-memory-store.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { bundleEngineWorker } from '../support/bundle.js';
import { ensureBuilt, startCli } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';
import { tsharkAvailable, tsharkDecodeFile, tsharkProblems, type TsharkPacket } from '../support/tshark.js';
import { until } from '../support/wait.js';

const IE_CHALLENGE = 15;
const IE_MD5_RESULT = 16;
const IE_PASSWORD = 7;

function iesOf(packets: readonly TsharkPacket[], id: number): string[] {
  const out: string[] = [];
  for (const p of packets) {
    for (const ie of p.ies) {
      if (ie.id !== id) continue;
      const value = [...ie.fields.entries()].find(([k]) => k !== 'iax2.ie_id' && k !== 'iax2.length')?.[1][0];
      out.push(value ?? '');
    }
  }
  return out;
}

async function registerOnce(server: string, user: string, secret: string, pcap: string, extra: readonly string[] = []):
  Promise<{ code: number; localPort: number }> {
  const cli = startCli(['register', '--server', server, '--user', user, '--once', '--json', '--port', '0', '--pcap', pcap, ...extra],
    { REDIAL_SECRET: secret });
  const code = await cli.exited();
  const started = cli.events.find((e) => e.event === 'started');
  return { code, localPort: Number(started?.localPort) };
}

describeWithPeer('Asterisk 22 (../shared/asterisk) and tshark', asteriskAvailable() && tsharkAvailable(), 'secrets in captures', () => {
  const pbx = useAsterisk();
  const tmp = tempDirs();

  it('redial --pcap: MD5 challenge and result are overwritten, lengths kept, tshark decodes every frame, file is 0600', async () => {
    ensureBuilt();
    const path = join(await tmp('redial-sec-'), 'md5.pcap');
    const { code, localPort } = await registerOnce(pbx().server, 'alice', 'alice-secret', path);
    expect(code).toBe(0);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const packets = await tsharkDecodeFile(path, { ports: [pbx().port, localPort] });
    expect(packets.flatMap((p) => tsharkProblems(p))).toEqual([]);
    const challenges = iesOf(packets, IE_CHALLENGE);
    const results = iesOf(packets, IE_MD5_RESULT);
    expect(challenges.length).toBeGreaterThan(0);
    expect(results.length).toBeGreaterThan(0);
    for (const c of challenges) expect(c).toMatch(/^\*+$/);
    for (const r of results) expect(r).toBe('*'.repeat(32));
    const bytes = await readFile(path);
    expect(bytes.includes(Buffer.from('alice-secret'))).toBe(false);
  });

  it('redial --pcap: a plaintext PASSWORD is overwritten', async () => {
    const path = join(await tmp('redial-sec-'), 'plain.pcap');
    const { code, localPort } = await registerOnce(pbx().server, 'plain', 'plain-secret', path, ['--auth', 'plaintext']);
    expect(code).toBe(0);
    const packets = await tsharkDecodeFile(path, { ports: [pbx().port, localPort] });
    expect(packets.flatMap((p) => tsharkProblems(p))).toEqual([]);
    const passwords = iesOf(packets, IE_PASSWORD);
    expect(passwords.length).toBeGreaterThan(0);
    for (const p of passwords) expect(p).toBe('*'.repeat('plain-secret'.length));
    expect((await readFile(path)).includes(Buffer.from('plain-secret'))).toBe(false);
  });

  it('--pcap-keep-secrets (debugging one\'s own server) keeps them as sent: MD5_RESULT = MD5(challenge ‖ secret)', async () => {
    const path = join(await tmp('redial-sec-'), 'kept.pcap');
    const { code, localPort } = await registerOnce(pbx().server, 'alice', 'alice-secret', path, ['--pcap-keep-secrets']);
    expect(code).toBe(0);
    const packets = await tsharkDecodeFile(path, { ports: [pbx().port, localPort] });
    const challenge = iesOf(packets, IE_CHALLENGE)[0];
    const result = iesOf(packets, IE_MD5_RESULT)[0];
    expect(result).toBe(createHash('md5').update(`${challenge}alice-secret`).digest('hex'));
  });

  it('the app\'s pcap export (engine worker) redacts the plaintext PASSWORD and writes 0600', async () => {
    const dataDir = await tmp('redial-sec-app-');
    const engine = await startEngineWorker({
      workerUrl: await bundleEngineWorker(), secrets: new MemorySecretStore(),
      config: { host: 'headless', dataDir, version: 'test', localPort: 0, bindAddress: '127.0.0.1', audio: 'none',
        secrets: 'remote', secretStorage: 'os-keychain' },
    });
    try {
      let registered = false;
      engine.on('registration', (r) => { if (r.status === 'registered') registered = true; });
      await engine.request('accounts:save', { server: pbx().server, username: 'plain', secret: 'plain-secret', label: 'PBX',
        auth: ['plaintext'] });
      await until('registered', () => registered, 10_000);
      const exported = await engine.request('trace:export-pcap');
      expect((await stat(exported.path)).mode & 0o777).toBe(0o600);
      const bytes = await readFile(exported.path);
      expect(bytes.includes(Buffer.from('plain-secret'))).toBe(false);
      const packets = await tsharkDecodeFile(exported.path, { ports: [pbx().port, engine.localPort] });
      expect(iesOf(packets, IE_PASSWORD).length).toBeGreaterThan(0);
      expect(iesOf(packets, IE_PASSWORD).every((p) => /^\*+$/.test(p))).toBe(true);
    } finally {
      await engine.shutdown();
    }
  });
});
