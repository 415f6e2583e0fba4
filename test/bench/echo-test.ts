// The "Echo test" a first-time user starts (the app's call to the echo peer built into the phone): how long from
// asking until the call is answered, and until the user's own voice (the paced fake microphone's 1 kHz tone) plays on
// their speaker, through the real engine, codec and jitter buffer on loopback. The same phone calling Asterisk 22's
// Echo() (extension 601, as user alice) is the anchor, measured in the same run when ../shared/asterisk is there.
// The speaker level is read every 5 ms from the media (the UI's meters update at 5 Hz and would round up by 200 ms).
import type { BenchSection } from './bench-types.js';
import { composePhone, type ComposedPhone } from '../../electron/host/compose-phone.js';
import { createDeviceMedia } from '../../electron/host/device-media-factory.js';
import { startEchoPeer, type EchoPeer } from '../../electron/host/echo-peer.js';
import type { CallView, RedialApi } from '../../electron/shared/api.js';
import { asteriskAvailable, startAsterisk } from '../support/asterisk.js';
import { USERS } from '../support/interop.js';
import { median } from '../support/soak-measure.js';
import { sleep } from '../support/wait.js';

const RUNS = Number(process.env.REDIAL_ECHO_RUNS ?? 7);
/** The tone counts as heard once the speaker plays it at this level (the microphone sends it at -12 dBFS). */
const HEARD_DBFS = -40;

async function phone(): Promise<{ composed: ComposedPhone; peers: EchoPeer[] }> {
  const peers: EchoPeer[] = [];
  const composed = await composePhone({
    host: 'headless', version: 'bench', localPort: 0, bindAddress: '127.0.0.1', audio: 'fake', fakeCaptureToneHz: 1000,
    secrets: 'memory', secretStorage: 'memory',
  }, { createMedia: createDeviceMedia, echoPeer: async () => { const p = await startEchoPeer(); peers.push(p); return p; } });
  return { composed, peers };
}

/** One call: ms from asking to 'up', and to the tone on the speaker. */
async function once(composed: ComposedPhone, place: (api: RedialApi) => Promise<CallView>): Promise<{ answered: number; heard: number }> {
  const api = composed.phone;
  const t0 = performance.now();
  let answered = NaN;
  const off = api.on('call:updated', (c) => { if (c.state === 'up' && Number.isNaN(answered)) answered = performance.now() - t0; });
  const call = await place(api);
  let heard = NaN;
  while (performance.now() - t0 < 5000) {
    const out = composed.media.levels().outputDbfs;
    if (out !== null && out > HEARD_DBFS) { heard = performance.now() - t0; break; }
    await sleep(5);
  }
  off();
  await api.request('call:hangup', { callId: call.id });
  await sleep(300); // the devices close; the next run starts from rest
  if (Number.isNaN(heard)) throw new Error('the echo never reached the speaker');
  return { answered, heard };
}

async function series(composed: ComposedPhone, place: (api: RedialApi) => Promise<CallView>): Promise<{ answered: number; heard: number }> {
  const runs: { answered: number; heard: number }[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(composed, place));
  return { answered: median(runs.map((r) => r.answered)), heard: median(runs.map((r) => r.heard)) };
}

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  const notes: string[] = [`median of ${RUNS} calls each; "heard": the fake microphone's 1 kHz tone above ${HEARD_DBFS} dBFS on the speaker`];
  const { composed } = await phone();
  try {
    // The first echo test also starts the echo peer: the first launch's case.
    const first = await once(composed, (api) => api.request('call:echo-test'));
    rows.push(['Echo test, first (starts the echo peer)', first.answered.toFixed(0), first.heard.toFixed(0), '']);
    const built = await series(composed, (api) => api.request('call:echo-test'));
    rows.push(['Echo test (built-in echo peer)', built.answered.toFixed(0), built.heard.toFixed(0), '1.00']);
    if (asteriskAvailable()) {
      const pbx = await startAsterisk();
      try {
        const account = await composed.phone.request('accounts:save', { server: pbx.server, username: 'alice', secret: USERS.alice, register: false, codecs: ['ulaw'] });
        const anchor = await series(composed, (api) => api.request('call:dial', { number: '601', accountId: account.id }));
        rows.push(['Asterisk 22 Echo() (601), same phone', anchor.answered.toFixed(0), anchor.heard.toFixed(0), (anchor.heard / built.heard).toFixed(2)]);
      } finally {
        await pbx.stop();
      }
    } else {
      notes.push('Asterisk (../shared/asterisk) not found: no anchor row');
    }
  } finally {
    await composed.close();
  }
  return { title: 'Echo test: from asking to hearing yourself (loopback)', columns: ['call', 'answered ms', 'heard ms', 'heard vs built-in'], rows, notes };
}
