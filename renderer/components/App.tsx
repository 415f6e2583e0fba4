// The window: top bar (brand, tabs, registration chips, debug toggle), the current page, the status line
// with notices, and the iax2 debug console as a drawer the user toggles (button or Ctrl+Shift+D).
//
// Keyboard: on the Phone page, typing digits (outside a text field) dials — or sends DTMF while a call is
// connected; Enter calls; Escape hangs up the active call (or clears the number). Every control is a real
// button/input, so Tab/Shift+Tab/Space/Enter reach everything.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ICON_URL } from '../icon.js';
import { usePhone, useStore } from '../state/context.js';
import { AccountsView } from './AccountsView.js';
import { AudioView } from './AudioView.js';
import { DebugConsole } from './DebugConsole.js';
import { isDialKey } from './DialPad.js';
import { PhoneView } from './PhoneView.js';
import { RegChip } from './RegistrationStatus.js';

type Page = 'phone' | 'accounts' | 'audio';
const PAGES: readonly [Page, string][] = [['phone', 'Phone'], ['accounts', 'Accounts'], ['audio', 'Audio']];

function isTextTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(t.type);
}

export function App() {
  const phone = usePhone();
  const connection = useStore((s) => s.connection);
  const accounts = useStore((s) => s.accounts);
  const registrations = useStore((s) => s.registrations);
  const calls = useStore((s) => s.calls);
  const notices = useStore((s) => s.notices);
  const dialRequest = useStore((s) => s.dialRequest);
  const dnd = useStore((s) => s.settings?.dnd ?? false);
  const [page, setPage] = useState<Page>('phone');
  const [consoleOpen, setConsoleOpen] = useState(false);
  const [number, setNumber] = useState('');
  const [selectedAccount, setSelectedAccount] = useState<string | null>(null);
  const numberRef = useRef<HTMLInputElement | null>(null);
  const state = useRef({ page, calls, number });
  state.current = { page, calls, number };

  // First run: no account yet → open the account editor.
  const firstRunDone = useRef(false);
  useEffect(() => {
    if (connection !== 'open' || firstRunDone.current) return;
    firstRunDone.current = true;
    if (accounts.length === 0) setPage('accounts');
  }, [connection, accounts.length]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey && e.shiftKey && (e.key === 'D' || e.key === 'd')) {
        e.preventDefault();
        setConsoleOpen((o) => !o);
        return;
      }
      const { page: p, calls: cs, number: n } = state.current;
      if (p !== 'phone' || e.ctrlKey || e.metaKey || e.altKey) return;
      const active = cs.find((c) => c.state === 'up' && !c.held);
      if (e.key === 'Escape') {
        const live = active ?? cs.find((c) => c.direction === 'outgoing' && c.state !== 'ended');
        if (live) { phone.hangup(live.id); e.preventDefault(); }
        else if (n) { setNumber(''); e.preventDefault(); }
        return;
      }
      if (isTextTarget(e.target)) return;
      if (isDialKey(e.key)) {
        e.preventDefault();
        if (active) phone.sendDtmf(active.id, e.key);
        else { setNumber((x) => x + e.key); numberRef.current?.focus(); }
      } else if (e.key === 'Backspace' && !active && n) {
        e.preventDefault();
        setNumber((x) => x.slice(0, -1));
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phone]);

  // A new incoming call brings the Phone page forward.
  const ringing = calls.some((c) => c.direction === 'incoming' && c.state === 'ringing');
  useEffect(() => { if (ringing) setPage('phone'); }, [ringing]);

  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand"><img src={ICON_URL} alt="" />Redial</div>
        <nav class="tabs" role="tablist" aria-label="Pages" onKeyDown={(e) => {
          // ARIA tabs pattern: arrow keys move between tabs.
          if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
          const i = PAGES.findIndex(([id]) => id === page);
          const next = PAGES[(i + (e.key === 'ArrowRight' ? 1 : PAGES.length - 1)) % PAGES.length][0];
          setPage(next);
          document.getElementById(`tab-${next}`)?.focus();
        }}>
          {PAGES.map(([id, label]) => (
            <button type="button" role="tab" key={id} class="tab" aria-selected={page === id} aria-controls="page" tabIndex={page === id ? 0 : -1}
              id={`tab-${id}`} onClick={() => setPage(id)} data-testid={`tab-${id}`}>{label}</button>
          ))}
        </nav>
        <span class="spacer" />
        <div class="reg-chips" aria-label="Registration status">
          {accounts.filter((a) => a.enabled).map((a) => (
            <RegChip key={a.id} account={a} reg={registrations[a.id]} dnd={dnd} onClick={() => { setSelectedAccount(a.id); setPage('accounts'); }} />
          ))}
        </div>
        <button type="button" class="btn dnd-toggle" aria-pressed={dnd} disabled={connection !== 'open'} onClick={() => void phone.setDnd(!dnd)}
          title={dnd ? 'Do Not Disturb is on: incoming calls are refused as busy. Click to turn it off.' : 'Turn on Do Not Disturb: refuse incoming calls as busy'}
          data-testid="toggle-dnd">
          <span class="dnd-icon" aria-hidden="true" />Do not disturb
        </button>
        <button type="button" class="btn" aria-pressed={consoleOpen} onClick={() => setConsoleOpen(!consoleOpen)}
          title="iax2 debug console (Ctrl+Shift+D)" aria-keyshortcuts="Control+Shift+D" data-testid="toggle-console">
          Debug
        </button>
      </header>
      <main class="main">
        <div id="page" role="tabpanel" aria-labelledby={`tab-${page}`}>
        {connection === 'lost' && <div class="connection-banner" role="alert">Lost the connection to the phone engine. Restart Redial, or reload this page (if the engine was restarted, open the new address it printed).</div>}
        {dialRequest && (
          <div class="card row" role="alertdialog" aria-label="Dial request" style={{ marginBottom: '12px' }}>
            <span>A link asks to call <strong>{dialRequest.number}</strong> on {dialRequest.host}.</span>
            <button type="button" class="btn primary" onClick={() => { void phone.dial(dialRequest.number, dialRequest.accountId); phone.clearDialRequest(); }}>Call</button>
            <button type="button" class="btn" onClick={() => phone.clearDialRequest()}>Ignore</button>
          </div>
        )}
        {page === 'phone' && <PhoneView number={number} setNumber={setNumber} inputRef={numberRef} />}
        {page === 'accounts' && (
          // selectedAccount: null = the first account, '' = a new one.
          <AccountsView selectedId={selectedAccount === '' ? null : (selectedAccount ?? accounts[0]?.id ?? null)}
            onSelect={(id) => setSelectedAccount(id ?? '')} onGoToPhone={() => setPage('phone')} />
        )}
        {page === 'audio' && <AudioView />}
        </div>
      </main>
      <div>
        {consoleOpen && <DebugConsole onClose={() => setConsoleOpen(false)} />}
        <footer class="statusline" aria-live="polite">
          {notices.length === 0
            ? <span>{connection === 'connecting' ? 'Connecting to the phone engine…' : `${calls.length} call${calls.length === 1 ? '' : 's'} · ${accounts.length} account${accounts.length === 1 ? '' : 's'}`}</span>
            : notices.slice(-1).map((n) => (
              <span key={n.id} class={`toast ${n.level === 'error' ? 'error' : ''}`} data-testid="notice" title={n.message}>
                <span class="toast-text">{n.message}</span> <button type="button" class="btn small" onClick={() => phone.dismissNotice(n.id)} aria-label="Dismiss">✕</button>
              </span>
            ))}
        </footer>
      </div>
    </div>
  );
}
