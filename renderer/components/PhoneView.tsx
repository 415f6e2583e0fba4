// The main screen: dialler on the left, calls and history on the right.
import { CallsPanel } from './CallsPanel.js';
import { Dialer } from './Dialer.js';
import { HistoryList } from './HistoryList.js';
import { useStore } from '../state/context.js';

export function PhoneView(props: { number: string; setNumber: (n: string) => void; inputRef: { current: HTMLInputElement | null } }) {
  // In a narrow window the columns stack; a live call then goes on top (styles.css).
  const hasCalls = useStore((s) => s.calls.length > 0);
  return (
    <div class={`phone${hasCalls ? ' has-calls' : ''}`}>
      <Dialer number={props.number} setNumber={props.setNumber} inputRef={props.inputRef} />
      <div class="right">
        <CallsPanel />
        <HistoryList />
      </div>
    </div>
  );
}
