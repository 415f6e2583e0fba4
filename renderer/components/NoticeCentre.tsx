// The notice centre, in the status line: every current notice (newest last), each with its own ✕, not just the
// latest one. Three show at once; "N more" opens the rest. Notices leave by themselves when their time is up or
// their cause is gone (the store decides: renderer/state/store.ts).
import { useState } from 'preact/hooks';
import { usePhone, useStore } from '../state/context.js';

const SHOWN = 3;

export function NoticeCentre() {
  const phone = usePhone();
  const notices = useStore((s) => s.notices);
  const connection = useStore((s) => s.connection);
  const callCount = useStore((s) => s.calls.length);
  const accountCount = useStore((s) => s.accounts.length);
  const [all, setAll] = useState(false);
  const hidden = all ? 0 : Math.max(0, notices.length - SHOWN);
  const idle = connection === 'connecting' ? 'Connecting to the phone engine…'
    : connection === 'lost' ? 'The phone engine is not running.'
    : `${callCount} call${callCount === 1 ? '' : 's'} · ${accountCount} account${accountCount === 1 ? '' : 's'}`;
  return (
    <footer class="statusline" aria-live="polite" data-testid="notice-centre">
      {notices.length === 0 ? <span>{idle}</span> : (
        <ul class="notices" aria-label="Notices">
          {hidden > 0 && (
            <li><button type="button" class="btn small" onClick={() => setAll(true)} data-testid="notices-more">{hidden} more</button></li>
          )}
          {notices.slice(hidden).map((n) => (
            <li key={n.id} class={`toast ${n.level}`} data-testid="notice" data-code={n.code} title={n.message}>
              <span class="toast-text">{n.message}</span>
              <button type="button" class="btn small" onClick={() => phone.dismissNotice(n.id)} aria-label={`Dismiss: ${n.message}`}>✕</button>
            </li>
          ))}
          {all && notices.length > SHOWN && (
            <li><button type="button" class="btn small" onClick={() => setAll(false)}>Show fewer</button></li>
          )}
        </ul>
      )}
    </footer>
  );
}
