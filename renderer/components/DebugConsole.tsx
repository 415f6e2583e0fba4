// The iax2 debug console: every frame sent and received, printed the way Asterisk's `iax2 set debug on`
// prints them, with filters (call, type, direction, text), pause, clear, copy, .pcap export and autoscroll.
//
// Built to stay responsive on a busy call: the frames live in a bounded ring buffer (TraceLog), the view
// refreshes at most 10 times a second, and only the frames inside the viewport are in the DOM (each line
// has the same height, so a frame's position is a prefix sum of line counts — no measuring).

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatClock } from '../lib/format.js';
import { isEncryptedFrame, matchesFilter, type TraceFilter } from '../lib/trace-format.js';
import { usePhone } from '../state/context.js';
import type { TraceRow } from '../state/trace-log.js';
import { LockIcon } from './LockIcon.js';

const LINE_PX = 16;
const OVERSCAN_PX = 400;
const REFRESH_MS = 100;

interface Layout { rows: TraceRow[]; tops: Int32Array; totalLines: number }

function layoutOf(rows: TraceRow[]): Layout {
  const tops = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) tops[i + 1] = tops[i] + rows[i].lines.length;
  return { rows, tops, totalLines: tops[rows.length] };
}

/** Index of the first row whose bottom edge is below `line`. */
function firstRowAt(tops: Int32Array, count: number, line: number): number {
  let lo = 0, hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1] <= line) lo = mid + 1; else hi = mid;
  }
  return lo;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API refused (no permission / not focused): fall back to a selected textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export function DebugConsole(props: { onClose: () => void }) {
  const phone = usePhone();
  const log = phone.trace;
  const viewRef = useRef<HTMLDivElement>(null);
  const [callText, setCallText] = useState('');
  const [type, setType] = useState('');
  const [direction, setDirection] = useState<'' | 'tx' | 'rx'>('');
  const [text, setText] = useState('');
  const [showVoice, setShowVoice] = useState(false);
  const [paused, setPaused] = useState(false);
  const [autoscroll, setAutoscroll] = useState(true);
  const [version, setVersion] = useState(log.version);
  /** While paused: the log's version, so the foot can say that frames are waiting without showing them. */
  const [latest, setLatest] = useState(log.version);
  const [scroll, setScroll] = useState({ top: 0, height: 300 });
  const [flash, setFlash] = useState('');

  // Live trace only while the console is open: the engine stops sending frames when nobody looks.
  useEffect(() => {
    void phone.setTraceLive(true);
    return () => { void phone.setTraceLive(false); };
  }, [phone]);

  // Poll the log's version instead of re-rendering per frame.
  useEffect(() => {
    const t = paused
      ? setInterval(() => setLatest(log.version), REFRESH_MS)
      : setInterval(() => { if (log.version !== version) setVersion(log.version); }, REFRESH_MS);
    return () => clearInterval(t);
  }, [paused, version, log]);

  const filter: TraceFilter = useMemo(() => {
    const call = /^\d{1,5}$/.test(callText.trim()) ? Number(callText.trim()) : undefined;
    return { ...(call !== undefined ? { call } : {}), ...(type ? { type } : {}), ...(direction ? { direction } : {}), ...(text.trim() ? { text: text.trim() } : {}) };
  }, [callText, type, direction, text]);

  const all = useMemo(() => log.toArray(), [version, log]);
  const types = useMemo(() => {
    const seen = new Set<string>();
    for (const r of all) if (r.entry.kind === 'full' && r.entry.frameType) seen.add(r.entry.frameType);
    return [...seen].sort();
  }, [all]);
  const layout = useMemo(() => layoutOf(all.filter((r) =>
    (showVoice || r.entry.kind === 'full' || r.entry.kind === 'malformed' || filter.type === 'mini') &&
    matchesFilter(r.entry, filter, () => r.lines as string[]))), [all, filter, showVoice]);

  // Follow the newest frame when autoscroll is on.
  useEffect(() => {
    const el = viewRef.current;
    if (el && autoscroll) el.scrollTop = el.scrollHeight;
  }, [layout, autoscroll]);

  useEffect(() => {
    const el = viewRef.current;
    if (!el) return;
    const measure = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  function onScroll() {
    const el = viewRef.current;
    if (!el) return;
    setScroll({ top: el.scrollTop, height: el.clientHeight });
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - LINE_PX;
    if (autoscroll !== atBottom) setAutoscroll(atBottom);
  }

  const { rows, tops, totalLines } = layout;
  const fromLine = Math.max(0, Math.floor((scroll.top - OVERSCAN_PX) / LINE_PX));
  const toLine = Math.ceil((scroll.top + scroll.height + OVERSCAN_PX) / LINE_PX);
  const first = firstRowAt(tops, rows.length, fromLine);
  const visible: { row: TraceRow; top: number; index: number }[] = [];
  for (let i = first; i < rows.length && tops[i] < toLine; i++) visible.push({ row: rows[i], top: tops[i] * LINE_PX, index: i });

  const behind = paused ? latest - version : 0;
  const say = (msg: string) => { setFlash(msg); setTimeout(() => setFlash(''), 4000); };

  return (
    <section class="console" aria-label="IAX2 debug console" data-testid="debug-console">
      <div class="console-bar" role="toolbar" aria-label="Debug console controls">
        <span class="title">iax2 debug</span>
        <label>Call <input class="input" style={{ width: '64px' }} inputMode="numeric" value={callText} placeholder="any"
          onInput={(e) => setCallText((e.currentTarget as HTMLInputElement).value)} aria-label="Filter by call number" /></label>
        <label>Type <select class="select" style={{ maxWidth: '96px' }} value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)} aria-label="Filter by frame type">
          <option value="">all</option>
          {types.map((t) => <option key={t} value={t}>{t}</option>)}
          <option value="mini">mini/meta</option>
        </select></label>
        <label><select class="select" value={direction} onChange={(e) => setDirection((e.currentTarget as HTMLSelectElement).value as '' | 'tx' | 'rx')} aria-label="Filter by direction">
          <option value="">Tx+Rx</option><option value="tx">Tx</option><option value="rx">Rx</option>
        </select></label>
        <input class="input" style={{ width: '120px' }} type="search" value={text} placeholder="Find text" aria-label="Filter by text"
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} data-testid="console-filter" />
        <label title="Mini and meta (voice) frames; Asterisk does not print these"><input type="checkbox" checked={showVoice} onChange={() => setShowVoice(!showVoice)} /> Voice</label>
        <label><input type="checkbox" checked={autoscroll} onChange={() => setAutoscroll(!autoscroll)} data-testid="console-autoscroll" /> Autoscroll</label>
        <button type="button" class="btn small" aria-pressed={paused} onClick={() => { setPaused(!paused); if (paused) setVersion(log.version); }} data-testid="console-pause">
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" class="btn small" onClick={() => { void phone.clearTrace(); setVersion(log.version); }}>Clear</button>
        <button type="button" class="btn small" data-testid="console-copy" onClick={async () => {
          // The frames shown, each headed by its wall-clock time (Asterisk's lines carry only the frame's timestamp).
          const ok = await copyText(rows.map((r) => [`${formatClock(r.entry.at)} ${r.lines[0] ?? ''}`, ...r.lines.slice(1)].join('\n')).join('\n'));
          say(ok ? `Copied ${rows.length} frames` : 'Copy failed');
        }}>Copy</button>
        <button type="button" class="btn small" data-testid="console-export" onClick={async () => {
          const saved = await phone.exportPcap();
          if (saved) say(saved);
        }}>Export .pcap</button>
        <button type="button" class="btn small close" onClick={props.onClose} aria-label="Close debug console" title="Close (Ctrl+Shift+D)">✕</button>
      </div>
      <div class="console-view" ref={viewRef} onScroll={onScroll} tabIndex={0} aria-label="Frames" role="log" data-testid="console-view">
        {rows.length === 0 ? (
          <p class="console-empty">{log.size === 0 ? 'No frames yet. Register an account or place a call to see IAX2 traffic.'
            : !showVoice && log.size === log.voiceSize ? `Only voice frames so far (${log.voiceSize}): tick Voice to show them.`
            : 'No frame matches the filter.'}</p>
        ) : (
          <div class="console-spacer" style={{ height: `${totalLines * LINE_PX}px` }}>
            {visible.map(({ row, top }) => {
              const encrypted = isEncryptedFrame(row.entry);
              return (
                <div key={row.entry.seq} class={`console-frame ${row.entry.direction}`} style={{ top: `${top}px` }} data-testid="console-frame"
                  data-encrypted={encrypted ? 'true' : undefined}>
                  {row.lines.map((l, i) => (
                    <div key={i} class={`l ${i === 0 ? 'head' : i === 1 && row.entry.kind === 'full' ? 'ts' : 'ie'}`}>
                      {i === 0 && <span class="t" data-testid="frame-time">{formatClock(row.entry.at)} </span>}
                      {i === 0 && encrypted && <span class="enc-mark" role="img" aria-label="encrypted"
                        title="Encrypted on the wire (AES-128), shown decrypted" data-testid="encrypted-frame"><LockIcon size={10} /></span>}
                      {l}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
      <div class="console-foot" aria-live="polite">
        <span data-testid="console-count">{rows.length} shown / {log.size} buffered{log.voiceSize > 0 && !showVoice ? ` (${log.voiceSize} voice frames hidden)` : ''}</span>
        {log.dropped > 0 && <span>{log.dropped} older frames dropped</span>}
        {paused && <span data-testid="console-paused">Paused{behind > 0 ? ' — new frames waiting' : ''}</span>}
        {flash && <span role="status" data-testid="console-flash">{flash}</span>}
      </div>
    </section>
  );
}
