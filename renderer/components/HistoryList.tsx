// Call history: direction (in / out / missed), who, when, how long; click a row to call back.
import type { HistoryEntry } from '../../electron/shared/api.js';
import { formatDuration, formatWhen } from '../lib/format.js';
import { usePhone, useStore } from '../state/context.js';
import { LockIcon } from './LockIcon.js';

function kindOf(h: HistoryEntry): { cls: 'in' | 'out' | 'missed'; glyph: string; word: string } {
  if (h.direction === 'outgoing') return { cls: 'out', glyph: '↗', word: 'Outgoing' };
  if (h.outcome === 'missed' || (h.outcome !== 'answered' && h.answeredAt === undefined)) return { cls: 'missed', glyph: '↙', word: 'Missed' };
  return { cls: 'in', glyph: '↙', word: 'Incoming' };
}

function outcomeText(h: HistoryEntry): string {
  if (h.outcome === 'answered') return formatDuration(h.durationSeconds);
  if (h.reason === 'dnd') return 'missed · DND';
  if (h.outcome === 'transferred') return h.transferredTo ? `transferred → ${h.transferredTo}` : 'transferred';
  return h.outcome;
}

export function HistoryList(props: { limit?: number }) {
  const phone = usePhone();
  const history = useStore((s) => s.history);
  const shown = history.slice(0, props.limit ?? 50);
  return (
    <section class="card" aria-labelledby="history-title">
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="history-title">History</h2>
        {history.length > 0 && <button type="button" class="btn small" onClick={() => void phone.clearHistory()}>Clear</button>}
      </div>
      {shown.length === 0 ? <p class="muted">No calls yet.</p> : (
        <ul class="history" data-testid="history">
          {shown.map((h) => {
            const k = kindOf(h);
            const number = h.number || h.remoteAddress || 'Unknown caller';
            const who = h.remoteName ? `${h.remoteName} (${number})` : number;
            return (
              <li key={h.id}>
                <span class={`dir ${k.cls}`} title={k.word} aria-label={k.word}>{k.glyph}</span>
                <button type="button" class="call-back" onClick={() => void phone.callBack(h)}
                  disabled={!h.number && !h.remoteAddress} title={h.remoteAddress ? `Call ${h.remoteAddress} directly` : `Call ${h.number}`} aria-label={`${k.word} ${who}, ${outcomeText(h)}${h.encrypted ? ', encrypted' : ''}. Call back`}>
                  {who}
                </button>
                <span class="meta" title={h.cause}>
                  {h.encrypted && <span class="history-lock" title="Encrypted call (AES-128)" data-testid="history-encrypted"><LockIcon size={10} /> </span>}
                  {outcomeText(h)}
                </span>
                <span class="meta">{formatWhen(h.startedAt)}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
