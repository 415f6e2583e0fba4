// A stock Asterisk 22 as the caller of a direct listener (docs/security.md §7.1): `Dial(IAX2/host:port/exten)` from
// the dialplan (here `channel originate`) sends NEW with an empty CALLTOKEN, gets our token from call number 1,
// resends, and the call is answered with audio flowing both ways. Real first: the token dance is checked against
// Asterisk's own resend_with_token(), not only against our scripted peer.
import { expect, it } from 'vitest';
import type { TraceEntry } from '../../electron/core/iax2/trace-types.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { startDirectListener } from '../support/direct-listener.js';
import { describeWithPeer } from '../support/peers.js';
import { until } from '../support/wait.js';

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'Asterisk calls a direct listener', () => {
  const pbx = useAsterisk();

  it('does the call-token round trip and the call carries Milliwatt\'s tone to us and our audio to Asterisk', async () => {
    const l = await startDirectListener({ answer: true });
    try {
      const trace: TraceEntry[] = [];
      l.engine.on('trace', (t) => trace.push(t));
      let voiceIn = 0;
      l.engine.on('incoming', (c) => { c.on('voice', () => { voiceIn++; }); });
      await pbx().cli(`channel originate IAX2/127.0.0.1:${l.port}/1001 application Milliwatt`);
      await until('answered', () => l.incoming[0]?.state === 'up', 10_000);
      await until('Milliwatt heard', () => voiceIn >= 25, 10_000);
      const call = l.incoming[0]!;
      for (let i = 0; i < 25; i++) call.sendVoice(new Uint8Array(160).fill(0x55), 20);
      const news = trace.filter((t) => t.direction === 'rx' && t.kind === 'full' && t.subclass === 'NEW');
      expect(news.length).toBe(2);
      expect(news[0]!.ies.find((ie) => ie.name === 'CALLTOKEN')?.value).toMatch(/empty/);
      const tokenReply = trace.find((t) => t.direction === 'tx' && t.subclass === 'CALLTOKEN');
      expect(tokenReply?.sourceCall).toBe(1);
      expect(tokenReply!.raw!.length).toBeLessThanOrEqual(news[0]!.raw!.length);
      // The voice gate opened once Asterisk had acknowledged us: our audio went out to it.
      await until('Asterisk got our voice', () => l.engine.stateSizes().voiceWithheld < 25 && trace.some((t) => t.direction === 'tx' && t.kind === 'mini'), 5000);
      expect(await pbx().activeChannels()).toBe(1);
      call.hangup();
      await until('Asterisk hung up', () => l.incoming[0]!.state === 'ended', 5000);
    } finally {
      await l.close();
    }
  });
});
