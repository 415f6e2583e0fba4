// Small display formatters shared by the panels.

/** 65 → "1:05", 3725 → "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Level meters: dBFS clamped to a display floor; silence (-Infinity) reads as the floor. */
export const METER_FLOOR_DB = -60;
export function meterFraction(dbfs: number | undefined): number {
  if (dbfs === undefined || !Number.isFinite(dbfs)) return 0;
  const clamped = Math.min(0, Math.max(METER_FLOOR_DB, dbfs));
  return (clamped - METER_FLOOR_DB) / -METER_FLOOR_DB;
}
export function formatDbfs(dbfs: number | undefined): string {
  if (dbfs === undefined || !Number.isFinite(dbfs) || dbfs <= METER_FLOOR_DB) return `≤ ${METER_FLOOR_DB} dBFS`;
  return `${dbfs.toFixed(1)} dBFS`;
}

export function formatMs(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '—' : `${Math.round(ms)} ms`;
}

/** Frame counters: 1234 → "1,234"; unknown → "—". */
export function formatCount(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en-US');
}

export function formatPercent(p: number | undefined): string {
  return p === undefined || !Number.isFinite(p) ? '—' : `${p.toFixed(p < 10 ? 1 : 0)} %`;
}

/** A frame's wall-clock time to the millisecond, local: 1764147600123 → "14:03:07.123" (the debug console). */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The day a call belongs to, for grouping the history: "Today", "Yesterday", "Monday" within the week, else "1 Dec 2025". */
export function dayGroup(epochMs: number, now: number = Date.now()): string {
  const day = (ms: number): number => { const d = new Date(ms); return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(); };
  const days = Math.round((day(now) - day(epochMs)) / 86_400_000);
  const d = new Date(epochMs);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getDay()];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}`;
}

/** Wall-clock time for history rows: today → "14:03", otherwise "26 Nov 14:03". */
export function formatWhen(epochMs: number, now: number = Date.now()): string {
  const d = new Date(epochMs);
  const n = new Date(now);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === n.toDateString()) return hm;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getDate()} ${months[d.getMonth()]} ${hm}`;
}
