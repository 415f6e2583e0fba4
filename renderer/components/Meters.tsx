// Input/output level meters (dBFS, floor -60) fed by the engine's 5 Hz `levels` event.
import { formatDbfs, meterFraction } from '../lib/format.js';

function Meter(props: { label: string; dbfs: number | null; note?: string }) {
  const db = props.dbfs ?? undefined;
  const text = props.note ?? formatDbfs(db);
  const pct = Math.round(meterFraction(db) * 100);
  return (
    <div class="meter">
      <span>{props.label}</span>
      <div class="meter-track" role="meter" aria-label={`${props.label} level`} aria-valuemin={-60} aria-valuemax={0}
        aria-valuenow={db === undefined ? -60 : Math.max(-60, Math.round(db))} aria-valuetext={text}>
        {/* The colour scale spans the whole track; the mask hides the part above the current level. */}
        <div class="meter-mask" style={{ width: `${100 - pct}%` }} />
      </div>
      <span class="meter-value">{text}</span>
    </div>
  );
}

export function Meters(props: { inputDbfs: number | null; outputDbfs: number | null; muted?: boolean }) {
  return (
    <div class="meters">
      <Meter label="Mic" dbfs={props.muted ? null : props.inputDbfs} {...(props.muted ? { note: 'muted' } : {})} />
      <Meter label="Spk" dbfs={props.outputDbfs} />
    </div>
  );
}
