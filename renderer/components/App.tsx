// The window: top bar (brand, tabs, one registration summary, do not disturb, debug toggle), the current page, the
// notice centre, and the iax2 debug console as a drawer the user toggles (button or Ctrl+Shift+D).
//
// Keyboard: on the Phone page, typing digits (outside a text field) dials — or sends DTMF while a call is
// connected; Enter calls; Escape hangs up the live call (never from a text field, never a held call), or clears
// the number. Every control is a real button/input, so Tab/Shift+Tab/Space/Enter reach everything.
//
// While the engine is unreachable everything it said is stale: the pages are disabled (one fieldset), the summary
// says "Engine offline", and the banner says so until the connection comes back.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ICON_URL } from '../icon.js';
import { asciiDigits } from '../lib/dial-input.js';
import { usePhone, useStore } from '../state/context.js';
import { AccountsView, type AccountPrefill, type KeptDraft, type LeaveGuard } from './AccountsView.js';
import { AudioView } from './AudioView.js';
import { DebugConsole } from './DebugConsole.js';
import { isDialKey } from './DialPad.js';
import { DialRequestCard } from './LinkOffer.js';
import { NoticeCentre } from './NoticeCentre.js';
import { party } from './CallCard.js';
import { PhoneView } from './PhoneView.js';
import { ContactsView } from './ContactsView.js';
import { HistoryView, type ContactPrefill } from './HistoryList.js';
import { StatusSummary } from './RegistrationStatus.js';

type Page = 'phone' | 'contacts' | 'history' | 'accounts' | 'audio';
const PAGES: readonly [Page, string][] = [['phone', 'Phone'], ['contacts', 'Contacts'], ['history', 'History'], ['accounts', 'Accounts'], ['audio', 'Audio']];

export function isTextTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(t.type);
}

/** States in which an outgoing call has not been answered yet: Escape cancels it. */
const SETTING_UP = new Set(['dialing', 'proceeding', 'ringing', 'early-media']);

export function App() {
  const phone = usePhone();
  const connection = useStore((s) => s.connection);
  const lostReason = useStore((s) => s.lostReason);
  const accounts = useStore((s) => s.accounts);
  const registrations = useStore((s) => s.registrations);
  const calls = useStore((s) => s.calls);
  const dialRequest = useStore((s) => s.dialRequest);
  const dnd = useStore((s) => s.settings?.dnd ?? false);
  const missed = useStore((s) => s.missed);
  const [page, setPageNow] = useState<Page>('phone');
  const [consoleOpen, setConsoleOpen] = useState(false);
  const [number, setNumber] = useState('');
  // The "Call through" choice lives here, not in the dialler, so switching pages keeps it.
  const [dialAccount, setDialAccount] = useState('');
  const [selectedAccount, setSelectedAccount] = useState<string | null>(null);
  const [prefill, setPrefill] = useState<AccountPrefill | undefined>(undefined);
  const [contactPrefill, setContactPrefill] = useState<ContactPrefill | undefined>(undefined);
  /** When an account was last opened from elsewhere (the status list, a link): the editor then focuses what it needs. */
  const [openedAt, setOpenedAt] = useState(0);
  const numberRef = useRef<HTMLInputElement | null>(null);
  const mainRef = useRef<HTMLElement | null>(null);
  /** The account editor's "unsaved changes" question; false = stay. */
  const leaveGuard = useRef<LeaveGuard | null>(null);
  /** The account editor's unsaved edits, kept when a ringing call took the page away. */
  const keptDraft = useRef<KeptDraft | null>(null);
  const state = useRef({ page, calls, number });
  state.current = { page, calls, number };
  const online = connection === 'open';

  /** The last page change was the user's (a tab, a link), not the ring bringing the Phone page forward. */
  const userMoved = useRef(true);
  const setPage = (next: Page): void => {
    if (next === page) return;
    if (page === 'accounts' && leaveGuard.current && !leaveGuard.current()) return;
    userMoved.current = true;
    setPageNow(next);
  };

  // Another page starts at its top, not where the last one was scrolled to.
  useEffect(() => { if (mainRef.current) mainRef.current.scrollTop = 0; }, [page]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey && e.shiftKey && (e.key === 'D' || e.key === 'd')) {
        e.preventDefault();
        setConsoleOpen((o) => !o);
        return;
      }
      const { page: p, calls: cs, number: n } = state.current;
      if (p !== 'phone' || e.ctrlKey || e.metaKey || e.altKey) return;
      // A text field (the number, a transfer target, a filter) handles its own keys, Escape included.
      if (isTextTarget(e.target)) return;
      const active = cs.find((c) => c.state === 'up' && !c.held);
      if (e.key === 'Escape') {
        // Only the call the user is talking to, or one still being set up; a held call is never hung up by a key.
        const live = active ?? cs.find((c) => c.direction === 'outgoing' && !c.held && SETTING_UP.has(c.state));
        if (live) { phone.hangup(live.id); e.preventDefault(); }
        else if (n) { setNumber(''); e.preventDefault(); }
        return;
      }
      const key = asciiDigits(e.key);
      if (isDialKey(key)) {
        e.preventDefault();
        if (active) phone.sendDtmf(active.id, key);
        else { setNumber((x) => x + key); numberRef.current?.focus(); }
      } else if (e.key === 'Backspace' && !active && n) {
        e.preventDefault();
        setNumber((x) => x.slice(0, -1));
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phone]);

  // A new incoming call brings the Phone page forward.
  const ringingCall = calls.find((c) => c.direction === 'incoming' && c.state === 'ringing');
  const ringing = ringingCall !== undefined;
  useEffect(() => { if (ringing) setPageNow('phone'); }, [ringing]);

  // The window's title (the taskbar, the browser tab) says a call is ringing, or how many missed calls are unseen.
  const caller = ringingCall ? party(ringingCall).title : undefined;
  useEffect(() => {
    document.title = caller !== undefined ? `Incoming call from ${caller} — Redial` : missed > 0 ? `(${missed}) Redial` : 'Redial';
  }, [caller, missed]);

  // Missed calls are seen once the user is at a page with the history (Phone's recent calls, History): they went to
  // it, brought the window forward on it, or pressed a key or the pointer there. A window merely left in front while
  // the call rang out (the ring itself brought the Phone page forward) has seen nothing: the count stays.
  useEffect(() => {
    const moved = userMoved.current;
    userMoved.current = false;
    if ((page !== 'phone' && page !== 'history') || missed === 0 || !online) return;
    const look = (): void => { if (document.visibilityState === 'visible' && document.hasFocus()) void phone.markHistorySeen(); };
    if (moved) look();
    const acts = ['focus', 'pointerdown', 'keydown'] as const;
    for (const a of acts) window.addEventListener(a, look);
    document.addEventListener('visibilitychange', look);
    return () => { for (const a of acts) window.removeEventListener(a, look); document.removeEventListener('visibilitychange', look); };
  }, [page, missed, online, phone]);

  const openAccount = (id: string | null, fill?: AccountPrefill): void => {
    if (page === 'accounts' && leaveGuard.current && !leaveGuard.current()) return;
    setPrefill(fill);
    setSelectedAccount(id ?? '');
    setOpenedAt(Date.now());
    setPageNow('accounts');
  };

  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand"><img src={ICON_URL} alt="" />Redial</div>
        <nav class="tabs" role="tablist" aria-label="Pages" onKeyDown={(e) => {
          // ARIA tabs pattern: arrow keys move between the tabs while one of them has the focus.
          if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
          const i = PAGES.findIndex(([id]) => id === page);
          const next = PAGES[(i + (e.key === 'ArrowRight' ? 1 : PAGES.length - 1)) % PAGES.length][0];
          setPage(next);
          document.getElementById(`tab-${next}`)?.focus();
        }}>
          {PAGES.map(([id, label]) => (
            <button type="button" role="tab" key={id} class="tab" aria-selected={page === id} aria-controls="page" tabIndex={page === id ? 0 : -1}
              id={`tab-${id}`} onClick={() => setPage(id)} data-testid={`tab-${id}`}>
              {label}
              {id === 'phone' && ringing && <span class="ring-dot" role="img" aria-label="a call is ringing" data-testid="tab-ringing" />}
              {id === 'history' && missed > 0 && <span class="badge" aria-label={`${missed} missed call${missed === 1 ? '' : 's'}`} data-testid="tab-missed">{missed}</span>}
            </button>
          ))}
        </nav>
        <span class="spacer" />
        <StatusSummary accounts={accounts} registrations={registrations} reachable={online} onOpenAccount={(id) => openAccount(id)} />
        <button type="button" class="btn dnd-toggle" aria-pressed={dnd} disabled={!online} onClick={() => void phone.setDnd(!dnd)}
          title={dnd ? 'Do Not Disturb is on: incoming calls are refused as busy. Click to turn it off.' : 'Turn on Do Not Disturb: refuse incoming calls as busy'}
          data-testid="toggle-dnd">
          <span class="dnd-icon" aria-hidden="true" /><span class="dnd-label">Do not disturb</span><span class="dnd-short" aria-hidden="true">DND</span>
        </button>
        <button type="button" class="btn console-toggle" aria-pressed={consoleOpen} onClick={() => setConsoleOpen(!consoleOpen)}
          title="iax2 debug console (Ctrl+Shift+D)" aria-keyshortcuts="Control+Shift+D" data-testid="toggle-console">
          Debug
        </button>
      </header>
      <main class="main" ref={mainRef}>
        {connection === 'lost' && (
          <div class="connection-banner" role="alert" data-testid="connection-banner">
            {lostReason ?? 'The phone engine is not running.'} Nothing here is live until it is back; the page reconnects by itself.
          </div>
        )}
        <div id="page" role="tabpanel" aria-labelledby={`tab-${page}`}>
        {/* One switch greys every control of the page while the engine is unreachable. */}
        <fieldset class="page" disabled={!online} data-testid="page">
          {dialRequest && <DialRequestCard request={dialRequest} onAddAccount={(fill) => openAccount(null, fill)} />}
          {page === 'phone' && <PhoneView number={number} setNumber={setNumber} inputRef={numberRef}
            accountId={dialAccount} setAccountId={setDialAccount} onAddAccount={(fill) => openAccount(null, fill)} onShowHistory={() => setPage('history')} />}
          {page === 'contacts' && <ContactsView dialAccount={dialAccount} onCalled={() => setPage('phone')} {...(contactPrefill ? { prefill: contactPrefill } : {})} />}
          {page === 'history' && <HistoryView onAddContact={(p) => { setContactPrefill(p); setPage('contacts'); }} />}
          {page === 'accounts' && (
            // selectedAccount: null = the first account, '' = a new one.
            <AccountsView selectedId={selectedAccount === '' ? null : (selectedAccount ?? accounts[0]?.id ?? null)}
              onSelect={(id) => openAccount(id)} onGoToPhone={() => setPage('phone')} leaveGuard={leaveGuard} kept={keptDraft} openedAt={openedAt}
              {...(prefill && selectedAccount === '' ? { prefill } : {})} />
          )}
          {page === 'audio' && <AudioView />}
        </fieldset>
        </div>
      </main>
      <div>
        {consoleOpen && <DebugConsole onClose={() => setConsoleOpen(false)} />}
        <NoticeCentre />
      </div>
    </div>
  );
}
