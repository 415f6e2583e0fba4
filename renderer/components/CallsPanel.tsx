// Live calls: incoming ones first (they need a decision), then the active call, then held ones, then the
// calls that just ended (for a few seconds, with the reason: busy, declined, hung up).
// A held call offers "Transfer <held party> to <other party>" for every other answered call on its account
// (attended transfer: the server can only reach a number in the held call's own context).
// With no call, it offers the echo test — a call to the echo built into the phone, through the user's microphone,
// speaker, codec and jitter buffer — and, before any account exists, the way to add one: a first-time user hears
// themselves before they know any server.
import { usePhone, useNow, useStore } from '../state/context.js';
import { ActiveCallCard, EndedCallCard, IncomingCallCard } from './CallCard.js';

export function CallsPanel(props: { onAddAccount: () => void }) {
  const phone = usePhone();
  const noAccount = useStore((s) => s.accounts.length === 0);
  const calls = useStore((s) => s.calls);
  const ended = useStore((s) => s.ended);
  const now = useNow(calls.length > 0);
  const incoming = calls.filter((c) => c.direction === 'incoming' && c.state === 'ringing');
  const others = calls.filter((c) => !incoming.includes(c));
  const isHeld = (c: (typeof calls)[number]) => c.held || c.state === 'held';
  const ordered = [...others.filter((c) => !isHeld(c)), ...others.filter(isHeld)];
  const answered = (c: (typeof calls)[number]) => c.state === 'up' || c.state === 'held';
  const transferTargets = (c: (typeof calls)[number]) => (isHeld(c) && answered(c) && c.accountId !== undefined
    ? ordered.filter((x) => x.id !== c.id && answered(x) && x.accountId === c.accountId) : []);
  return (
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Calls</h2>
      <div aria-live="polite">
        {calls.length === 0 && ended.length === 0 && (
          <div class="calls-empty" data-testid="calls-empty">
            <p>{noAccount
              ? 'Welcome to Redial. Hear yourself first: the echo test calls an echo built into Redial, through your microphone, speaker and codec — no server needed. Then add your account.'
              : 'No calls. Type a number, or press a key on the pad.'}</p>
            <div class="row" style={{ justifyContent: 'center' }}>
              <button type="button" class={`btn ${noAccount ? 'primary' : ''}`} onClick={() => void phone.startEchoTest()} data-testid="echo-test"
                title="Calls the echo built into Redial: you hear your own voice, through the whole phone">Echo test — hear yourself</button>
              {noAccount && <button type="button" class="btn" onClick={props.onAddAccount} data-testid="welcome-add-account">Add your account</button>}
            </div>
          </div>
        )}
        {incoming.map((c) => <IncomingCallCard call={c} key={c.id} />)}
        {ordered.map((c, i) => <ActiveCallCard call={c} key={c.id} now={now} primary={i === 0 && !isHeld(c)} transferTo={transferTargets(c)} />)}
        {ended.map((e) => <EndedCallCard ended={e} key={`ended-${e.call.id}`} />)}
      </div>
    </section>
  );
}
