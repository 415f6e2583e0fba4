// A small padlock drawn in the text colour, for encrypted calls and frames (no emoji font needed; inline SVG is
// allowed by the page's CSP).
export function LockIcon(props: { size?: number; open?: boolean }) {
  const s = props.size ?? 12;
  return (
    <svg class="lock-icon" width={s} height={s} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={props.open ? 'M5 7V4.5a3 3 0 0 1 5.8-1' : 'M5 7V4.5a3 3 0 0 1 6 0V7'} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
      <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}
