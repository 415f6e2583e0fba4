// One call: incoming (answer / decline / busy), or in progress (state, timer, codec, mute, hold, keypad,
// blind transfer, record, hang up, meters, stats). A held call also offers the attended transfer to each other
// answered call ("Transfer Bob to Carol"): TRANSFER on the held call with the other party's number.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallStatsView, CallView } from '../../electron/shared/api.js';
import { formatCount, formatDuration, formatMs, formatPercent } from '../lib/format.js';
import { usePhone, useStore } from '../state/context.js';
import type { EndedCall } from '../state/store.js';
import { endHeadline, endReason } from '../lib/call-end.js';
import { DialPad } from './DialPad.js';
import { LockIcon } from './LockIcon.js';
import { Meters } from './Meters.js';

const STATE_WORDS: Record<CallView['state'], string> = {
  dialing: 'Calling…', proceeding: 'Connecting…', ringing: 'Ringing', 'early-media': 'Ringing (audio)',
  up: 'Connected', held: 'On hold', ended: 'Ended',
};

/** A little more than the engine's 5 s "transfer may have failed" wait (spec P25). */
const TRANSFER_WAIT_MS = 6000;

export function stateWord(c: CallView): string {
  if (c.direction === 'incoming' && c.state === 'ringing') return 'Incoming call';
  if (c.held || c.state === 'held') return 'On hold';
  if (c.remoteHeld) return 'Held by the other side';
  return STATE_WORDS[c.state];
}

/**
 * AES-128 (spec §7): "Encrypted" when the call's frames are; a warning when the account requires encryption but
 * this answered call is not (the engine ends such calls instead, so this should never show).
 */
export function EncryptionBadge(props: { call: CallView; required: boolean }) {
  const c = props.call;
  if (c.encrypted) {
    return (<span class="lock-pill" title="This call is encrypted (AES-128); the key comes from the account password"
      data-testid="encrypted-indicator"><LockIcon /> Encrypted</span>);
  }
  const answered = c.state === 'up' || c.state === 'held' || c.answeredAt !== undefined;
  if (props.required && answered) {
    return (<span class="lock-pill unsafe" role="alert" title="This account requires encryption, but this call is not encrypted"
      data-testid="not-encrypted-indicator"><LockIcon open /> Not encrypted</span>);
  }
  return null;
}

/**
 * Who is on the other end: the name, else the number (for an incoming call the caller's, never the extension it
 * was sent to), else, for a direct call, the address it came from. The subtitle adds what the title left out.
 */
export function party(c: CallView): { title: string; sub: string } {
  if (c.echoTest) return { title: 'Echo test', sub: 'you should hear yourself: speak, and listen' };
  const number = c.direction === 'incoming' ? (c.remoteNumber ?? '') : (c.remoteNumber || c.number);
  const direct = c.remoteAddress ? `direct · ${c.remoteAddress}` : '';
  const kind = c.direction === 'incoming' ? 'Incoming' : 'Outgoing';
  if (c.remoteName && c.remoteName !== number) return { title: c.remoteName, sub: [number, direct].filter(Boolean).join(' · ') || kind };
  if (number) return { title: number, sub: direct || kind };
  return { title: c.remoteAddress ?? 'Unknown caller', sub: c.remoteAddress ? `${kind} direct call` : kind };
}

export function IncomingCallCard(props: { call: CallView }) {
  const phone = usePhone();
  const accounts = useStore((s) => s.accounts);
  const c = props.call;
  const p = party(c);
  const acct = accounts.find((a) => a.id === c.accountId);
  const answerRef = useRef<HTMLButtonElement>(null);
  // Put the keyboard on Answer, unless the user is busy in another control.
  useEffect(() => { if (document.activeElement === document.body || document.activeElement === null) answerRef.current?.focus(); }, []);
  return (
    <article class="call incoming" aria-label={`Incoming call from ${p.title}`} data-testid="incoming-call">
      <div class="call-head">
        <span class="call-party">{p.title}</span>
        <span class="call-sub">{p.sub}{acct ? ` · to ${acct.label || acct.username}` : ''}</span>
        <span class="call-state">
          <EncryptionBadge call={c} required={acct?.encryption === 'required'} />
          <span class="state-pill" role="status">Incoming call</span>
        </span>
      </div>
      <div class="call-controls">
        <button type="button" class="btn ok" ref={answerRef} onClick={() => void phone.answer(c.id)}>Answer</button>
        <button type="button" class="btn danger" onClick={() => phone.reject(c.id, 'declined')}>Decline</button>
        <button type="button" class="btn" onClick={() => phone.reject(c.id, 'busy')}>Busy</button>
      </div>
    </article>
  );
}

function Stats(props: { stats?: CallStatsView }) {
  const s = props.stats;
  // [label, value, explanation for the tooltip]
  const items: [string, string, string][] = [
    ['RTT', formatMs(s?.rttMs), 'Round-trip time to the server (measured from its PING/LAGRQ)'],
    ['Jitter', formatMs(s?.jitterMs), 'Variation in the arrival time of voice frames'],
    ['Loss', formatPercent(s?.lossPercent), 'Voice frames that never arrived'],
    ['Buffer', formatMs(s?.bufferDelayMs), 'Delay the jitter buffer adds to smooth arrival times'],
    ['Received', formatCount(s?.framesReceived), 'Voice frames received from the other side'],
    ['Sent', formatCount(s?.framesSent), 'Voice frames sent to the other side'],
  ];
  return (
    <dl class="stats" aria-label="Call statistics" data-testid="call-stats">
      {items.map(([k, v, why]) => <div key={k} title={why} data-stat={k.toLowerCase()}><dt>{k}</dt><dd>{v}</dd></div>)}
    </dl>
  );
}

export function ActiveCallCard(props: { call: CallView; now: number; primary: boolean; transferTo?: readonly CallView[] }) {
  const phone = usePhone();
  const encryptionRequired = useStore((s) => s.accounts.find((a) => a.id === props.call.accountId)?.encryption === 'required');
  const stats = useStore((s) => s.stats[props.call.id]);
  const levels = useStore((s) => s.levels);
  const received = useStore((s) => s.receivedDtmf[props.call.id]);
  const sent = useStore((s) => s.sentDtmf[props.call.id]);
  const [panel, setPanel] = useState<'none' | 'keypad' | 'transfer'>('none');
  const [target, setTarget] = useState('');
  // After "Transfer A to C": wait for the server (it releases A within ~5 s, or the phone warns) before offering it again.
  const [transferring, setTransferring] = useState(false);
  useEffect(() => {
    if (!transferring) return;
    const t = setTimeout(() => setTransferring(false), TRANSFER_WAIT_MS);
    return () => clearTimeout(t);
  }, [transferring]);
  const c = props.call;
  const p = party(c);
  const up = c.state === 'up' || c.state === 'held';
  const held = c.held || c.state === 'held';
  const since = c.answeredAt ?? c.startedAt;
  const pillClass = held ? 'held' : c.state === 'up' ? 'up' : '';

  return (
    <article class="call" aria-label={`Call with ${p.title}`} data-testid="active-call" data-state={c.state}>
      <div class="call-head">
        <span class="call-party">{p.title}</span>
        <span class="call-sub">{p.sub}{c.codec ? ` · ${c.codec}` : ''}</span>
        <span class="call-state">
          <EncryptionBadge call={c} required={encryptionRequired} />
          {c.recording && <span class="rec-pill" title="This call is being recorded" data-testid="recording-indicator">● REC</span>}
          {c.muted && up && <span class="state-pill muted-pill" title="Your microphone is muted">Muted</span>}
          <span class={`state-pill ${pillClass}`} role="status" data-testid="call-state">{stateWord(c)}</span>
          <span class="timer" aria-label="Duration">{formatDuration((props.now - since) / 1000)}</span>
        </span>
      </div>
      <div class="call-controls">
        <button type="button" class="btn" aria-pressed={c.muted} disabled={!up} onClick={() => phone.mute(c.id, !c.muted)}>
          {c.muted ? 'Unmute' : 'Mute'}
        </button>
        <button type="button" class="btn" aria-pressed={held} disabled={!up} onClick={() => void phone.hold(c.id, !held)}>
          {held ? 'Resume' : 'Hold'}
        </button>
        <button type="button" class="btn" aria-pressed={panel === 'keypad'} aria-expanded={panel === 'keypad'} disabled={!up}
          onClick={() => setPanel(panel === 'keypad' ? 'none' : 'keypad')}>Keypad</button>
        <button type="button" class="btn" aria-pressed={panel === 'transfer'} aria-expanded={panel === 'transfer'} disabled={!up}
          onClick={() => setPanel(panel === 'transfer' ? 'none' : 'transfer')}>Transfer</button>
        <button type="button" class="btn" aria-pressed={c.recording} disabled={!up} onClick={() => void phone.record(c.id, !c.recording)}>
          {c.recording ? '■ Stop recording' : '● Record'}
        </button>
        <button type="button" class="btn danger" onClick={() => phone.hangup(c.id)} data-testid="hangup">Hang up</button>
      </div>
      {(props.transferTo ?? []).length > 0 && (
        <div class="transfer-offers">
          {(props.transferTo ?? []).map((to) => {
            const label = `Transfer ${p.title} to ${party(to).title}`;
            return (
              <button type="button" class="btn primary" key={to.id} data-testid="transfer-to-call" disabled={transferring}
                onClick={() => { setTransferring(true); phone.transferToCall(c.id, to.id); }}
                title={`Connect ${p.title} with ${party(to).title} and leave both calls (attended transfer)`}>
                {transferring ? `Transferring ${p.title} to ${party(to).title}…` : label}
              </button>
            );
          })}
        </div>
      )}
      {panel === 'keypad' && (
        <div class="dtmf-pad">
          <DialPad label="DTMF keypad" onKey={(d) => phone.sendDtmf(c.id, d)} />
        </div>
      )}
      {/* Every tone of this call in one place, whether it came from this keypad, the dial pad or the keyboard. */}
      {(panel === 'keypad' || sent || received) && (
        <div class="dtmf-sent" aria-live="polite" data-testid="call-dtmf">
          Tones sent: {sent || '—'}{received ? ` · received: ${received}` : ''}
        </div>
      )}
      {panel === 'transfer' && (
        <form class="inline-form" onSubmit={(e) => {
          e.preventDefault();
          if (target.trim()) { phone.transfer(c.id, target.trim()); setPanel('none'); setTarget(''); }
        }}>
          <label class="visually-hidden" for={`xfer-${c.id}`}>Transfer to number</label>
          {/* Escape here closes the field (never the call: the window's Escape ignores text fields). */}
          <input id={`xfer-${c.id}`} class="input" placeholder="Transfer to number" value={target} data-testid="transfer-target"
            onInput={(e) => setTarget((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); setPanel('none'); setTarget(''); } }} />
          <button class="btn primary" type="submit" disabled={!target.trim()}>Transfer</button>
        </form>
      )}
      {props.primary && (
        <div class="call-body">
          <Meters inputDbfs={levels.inputDbfs} outputDbfs={levels.outputDbfs} muted={c.muted} />
          <Stats stats={stats} />
        </div>
      )}
    </article>
  );
}

/** A call that has just ended: what happened, for how long, and a way to call again. */
export function EndedCallCard(props: { ended: EndedCall }) {
  const phone = usePhone();
  const e = props.ended;
  const p = party(e.call);
  const canCallBack = Boolean(e.history.number || e.history.remoteAddress);
  const bad = e.history.outcome !== 'answered' && e.history.outcome !== 'cancelled' && e.history.outcome !== 'transferred';
  return (
    <article class={`call ended ${bad ? 'failed' : ''}`} aria-label={`Call with ${p.title} ended`} data-testid="ended-call"
      data-outcome={e.history.outcome}>
      <div class="call-head">
        <span class="call-party">{p.title}</span>
        <span class="call-sub">{p.sub}</span>
        <span class="call-state">
          <span class={`state-pill ${bad ? 'bad' : ''}`} data-testid="ended-state">{endHeadline(e)}</span>
          {e.history.outcome === 'answered' && <span class="timer">{formatDuration(e.history.durationSeconds)}</span>}
        </span>
      </div>
      <div class="ended-body">
        <span class="ended-reason" data-testid="ended-reason">{endReason(e)}</span>
        {canCallBack && <button type="button" class="btn small" onClick={() => void phone.callBack(e.history)}>
          {e.call.direction === 'incoming' ? 'Call back' : 'Call again'}</button>}
        <button type="button" class="btn small" onClick={() => phone.dismissEnded(e.call.id)} aria-label="Dismiss">✕</button>
      </div>
    </article>
  );
}
