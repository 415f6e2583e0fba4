// Audio: microphone, speaker, ring device (or ring on all outputs), gains, test tones, live meters,
// processing switches. Devices are chosen by stable key; a missing device is flagged, not silently lost.
import { useState } from 'preact/hooks';
import { CODEC_NAMES, type AudioDeviceView, type CodecName, type Settings, type SettingsPatch } from '../../electron/shared/api.js';
import { CODEC_LABELS } from '../lib/account-form.js';
import { usePhone, useStore } from '../state/context.js';
import { Meters } from './Meters.js';

function DeviceSelect(props: { id: string; label: string; devices: readonly AudioDeviceView[]; value: string | null;
  missing: readonly string[]; onChange: (key: string | null) => void; disabled?: boolean; defaultLabel?: string }) {
  const isMissing = props.value !== null && props.missing.includes(props.value);
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <div>
        <select id={props.id} class="select" style={{ width: '100%' }} value={props.value ?? ''} disabled={props.disabled}
          onChange={(e) => { const v = (e.currentTarget as HTMLSelectElement).value; props.onChange(v === '' ? null : v); }}>
          <option value="">{props.defaultLabel ?? 'System default'}</option>
          {isMissing && <option value={props.value ?? ''}>{props.value} (not connected)</option>}
          {props.devices.map((d) => <option key={d.key} value={d.key}>{d.name} · {d.hostApi}</option>)}
        </select>
        {isMissing && <span class="error-text" style={{ fontSize: '12px' }}>Not connected: the system default is used.</span>}
      </div>
    </>
  );
}

/**
 * A gain slider: its label follows the thumb while it is dragged; the phone gets the value when it is let go, and the
 * dragged value stays shown until the phone has answered (the label does not flick back to the old gain meanwhile).
 */
function Gain(props: { id: string; label: string; value: number; onChange: (v: number) => Promise<void> }) {
  const [dragging, setDragging] = useState<number | null>(null);
  const shown = dragging ?? props.value;
  const text = `${shown > 0 ? '+' : ''}${shown} dB`;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <div class="range-row">
        <input id={props.id} type="range" min={-20} max={20} step={1} value={shown}
          onInput={(e) => setDragging(Number((e.currentTarget as HTMLInputElement).value))}
          onChange={(e) => { const v = Number((e.currentTarget as HTMLInputElement).value); setDragging(v); void props.onChange(v).finally(() => setDragging(null)); }}
          aria-valuetext={text} />
        <span class="muted" data-testid={`${props.id}-value`}>{text}</span>
      </div>
    </>
  );
}

/** A whole-number field committed on change (blur/Enter), checked against its range first. */
function NumberSetting(props: { id: string; label: string; value: number; min: number; max: number; unit: string; hint?: string;
  onCommit: (v: number) => void }) {
  const [text, setText] = useState(String(props.value));
  const [error, setError] = useState('');
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <div>
        <div class="row">
          <input id={props.id} class="input" style={{ width: '90px' }} inputMode="numeric" value={text} aria-invalid={Boolean(error)}
            aria-describedby={error ? `${props.id}-err` : undefined}
            onInput={(e) => { setText((e.currentTarget as HTMLInputElement).value); setError(''); }}
            onChange={() => {
              const v = Number(text.trim());
              if (!/^\d+$/.test(text.trim()) || v < props.min || v > props.max) { setError(`Whole number, ${props.min}–${props.max}`); return; }
              if (v !== props.value) props.onCommit(v);
            }} />
          <span class="muted">{[props.unit, props.hint].filter(Boolean).join(' · ')}</span>
        </div>
        {error && <span id={`${props.id}-err`} class="error-text" role="alert" style={{ fontSize: '12px' }}>{error}</span>}
      </div>
    </>
  );
}

function CallHandling(props: { settings: Settings; update: (p: SettingsPatch) => void }) {
  const s = props.settings;
  return (
    <section class="card" aria-labelledby="handling-title">
      <h2 id="handling-title">Calls and network</h2>
      <div class="form">
        <NumberSetting id="ring-timeout" label="Ring for" value={s.ringTimeoutSeconds} min={0} max={600} unit="s" hint="0 = until answered"
          onCommit={(ringTimeoutSeconds) => props.update({ ringTimeoutSeconds })} />
        <NumberSetting id="jb-extra" label="Jitter buffer extra" value={s.jitter.targetExtraMs} min={0} max={1000} unit="ms"
          onCommit={(targetExtraMs) => props.update({ jitter: { targetExtraMs } })} />
        <NumberSetting id="jb-max" label="Jitter buffer max" value={s.jitter.maxMs} min={20} max={2000} unit="ms"
          onCommit={(maxMs) => props.update({ jitter: { maxMs } })} />
        <NumberSetting id="local-port" label="Local UDP port" value={s.localPort} min={0} max={65535} unit="" hint="0 = any; after restart"
          onCommit={(localPort) => props.update({ localPort })} />
        <span />
        <label class="row"><input type="checkbox" checked={s.acceptDirectCalls} onChange={() => props.update({ acceptDirectCalls: !s.acceptDirectCalls })} /> Accept direct calls without a server</label>
      </div>
    </section>
  );
}

/** The desktop app's own life (the Electron main process acts on these; a browser page has none, so it hides them). */
function DesktopCard(props: { settings: Settings; update: (p: SettingsPatch) => void }) {
  const d = props.settings.desktop;
  return (
    <section class="card" aria-labelledby="desktop-title">
      <h2 id="desktop-title">Desktop</h2>
      <div class="form">
        <span />
        <label class="row" title="Redial stays in the tray (menu bar on macOS): calls still ring, and the tray brings the window back">
          <input type="checkbox" checked={d.closeToTray} data-testid="close-to-tray"
            onChange={() => props.update({ desktop: { closeToTray: !d.closeToTray } })} /> Keep running in the tray when the window is closed</label>
        <span />
        <label class="row"><input type="checkbox" checked={d.startAtLogin} data-testid="start-at-login"
          onChange={() => props.update({ desktop: { startAtLogin: !d.startAtLogin } })} /> Start Redial when I log in (in the tray)</label>
      </div>
    </section>
  );
}

export function AudioView() {
  const phone = usePhone();
  const audio = useStore((s) => s.audio);
  const gains = useStore((s) => s.gains);
  const settings = useStore((s) => s.settings);
  const levels = useStore((s) => s.levels);
  const desktop = useStore((s) => s.info?.host === 'electron');
  const testing = useStore((s) => s.testing);
  const echoCall = useStore((s) => s.calls.find((c) => c.echoTest));
  // The codec the microphone test goes through ('' = the direct-call codecs, µ-law first): each can be heard here.
  const [echoCodec, setEchoCodec] = useState<CodecName | ''>('');
  const usualCodec = settings?.directCallCodecs[0];
  const inputs = audio?.devices.filter((d) => d.input) ?? [];
  const outputs = audio?.devices.filter((d) => d.output) ?? [];
  const sel = audio?.selection;
  const missing = audio?.missing ?? [];
  const dsp = settings?.dsp;
  return (
    <div class="audio">
      <section class="card" aria-labelledby="dev-title">
        <h2 id="dev-title">Devices</h2>
        {!audio ? <p class="muted">Looking for sound devices…</p> : (
          <div class="form">
            <DeviceSelect id="dev-in" label="Microphone" devices={inputs} value={sel?.input ?? null} missing={missing} onChange={(input) => void phone.selectAudio({ input })} />
            <DeviceSelect id="dev-out" label="Speaker" devices={outputs} value={sel?.output ?? null} missing={missing} onChange={(output) => void phone.selectAudio({ output })} />
            <DeviceSelect id="dev-ring" label="Ring on" devices={outputs} value={sel?.ring ?? null} missing={missing} disabled={sel?.ringAll} defaultLabel="Same as speaker"
              onChange={(ring) => void phone.selectAudio({ ring })} />
            <span />
            <label class="row"><input type="checkbox" checked={sel?.ringAll ?? false} onChange={() => void phone.selectAudio({ ringAll: !(sel?.ringAll ?? false) })} /> Ring on all outputs</label>
            <span />
            <div class="row">
              {/* While the tone plays the button says so (and the speaker meter moves with it). */}
              <button type="button" class="btn" aria-pressed={testing === 'output'} disabled={testing !== undefined}
                onClick={() => void phone.testTone('output')} data-testid="test-speaker">{testing === 'output' ? '♪ Playing a 440 Hz tone…' : 'Test speaker'}</button>
              <button type="button" class="btn" aria-pressed={testing === 'ring'} disabled={testing !== undefined}
                onClick={() => void phone.testTone('ring')} data-testid="test-ringer">{testing === 'ring' ? '♪ Ringing…' : 'Test ringer'}</button>
              <button type="button" class="btn" onClick={() => void phone.refreshDevices()} title="Look for newly connected devices (not possible during a call)">Rescan devices</button>
            </div>
            <span />
            <div class="row">
              {/* The microphone test is the echo test: your voice through the whole phone and back, with the meters moving. */}
              <button type="button" class={`btn ${echoCall ? 'danger-outline' : ''}`} data-testid="mic-test" aria-pressed={echoCall !== undefined}
                onClick={() => { if (echoCall) phone.hangup(echoCall.id); else void phone.startEchoTest(echoCodec || undefined); }}>
                {echoCall ? 'Stop the microphone test' : 'Microphone test'}</button>
              <select class="select" aria-label="Codec for the microphone test" data-testid="mic-test-codec" value={echoCall?.codec ?? echoCodec}
                disabled={echoCall !== undefined} onChange={(e) => setEchoCodec((e.currentTarget as HTMLSelectElement).value as CodecName | '')}>
                {echoCall?.codec === undefined && <option value="">{usualCodec ? `Usual: ${CODEC_LABELS[usualCodec]}` : 'Usual codec'}</option>}
                {CODEC_NAMES.map((c) => <option key={c} value={c}>{CODEC_LABELS[c]}</option>)}
              </select>
              <span class="muted" style={{ fontSize: '12px' }}>{echoCall ? `Speak: you hear yourself${echoCall.codec ? ` through ${CODEC_LABELS[echoCall.codec]}` : ''}, and the meters move.` : 'Hear yourself through the echo built into Redial.'}</span>
            </div>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="lvl-title">
        <h2 id="lvl-title">Levels and processing</h2>
        <div class="form">
          <Gain id="gain-in" label="Microphone gain" value={gains?.inputDb ?? 0} onChange={(inputDb) => phone.setGains({ inputDb })} />
          <Gain id="gain-out" label="Speaker gain" value={gains?.outputDb ?? 0} onChange={(outputDb) => phone.setGains({ outputDb })} />
          <span class="muted" style={{ fontSize: '13px' }}>Meters</span>
          <div>
            <Meters inputDbfs={levels.inputDbfs} outputDbfs={levels.outputDbfs} />
            {levels.inputDbfs === null && <span class="muted" style={{ fontSize: '12px' }}>Live during calls and tests.</span>}
          </div>
          {dsp && (<>
            <span class="muted" style={{ fontSize: '13px' }}>Processing</span>
            <div class="row">
              <label class="row"><input type="checkbox" checked={dsp.echoCancellation} onChange={() => void phone.updateSettings({ dsp: { echoCancellation: !dsp.echoCancellation } })} /> Echo cancellation</label>
              <label class="row"><input type="checkbox" checked={dsp.noiseSuppression} onChange={() => void phone.updateSettings({ dsp: { noiseSuppression: !dsp.noiseSuppression } })} /> Noise suppression</label>
              <label class="row"><input type="checkbox" checked={dsp.autoGain} onChange={() => void phone.updateSettings({ dsp: { autoGain: !dsp.autoGain } })} /> Auto gain</label>
            </div>
          </>)}
          {settings && (<>
            <label for="auto-answer">Auto answer</label>
            <select id="auto-answer" class="select" value={settings.autoAnswer}
              onChange={(e) => void phone.updateSettings({ autoAnswer: (e.currentTarget as HTMLSelectElement).value as 'off' | 'when-requested' | 'always' })}>
              <option value="off">Off</option>
              <option value="when-requested">When the caller asks (intercom)</option>
              <option value="always">Always</option>
            </select>
          </>)}
        </div>
      </section>
      {settings && <CallHandling settings={settings} update={(p) => void phone.updateSettings(p)} />}
      {settings && desktop && <DesktopCard settings={settings} update={(p) => void phone.updateSettings(p)} />}
    </div>
  );
}
