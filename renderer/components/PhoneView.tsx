// The main screen: dialler on the left, calls and history on the right.
import { CallsPanel } from './CallsPanel.js';
import { Dialer, type DialerProps } from './Dialer.js';
import { HistoryList } from './HistoryList.js';
import { useStore } from '../state/context.js';

export function PhoneView(props: DialerProps & { onShowHistory: () => void }) {
  // In a narrow window the columns stack; a live call then goes on top (styles.css).
  const hasCalls = useStore((s) => s.calls.length > 0);
  return (
    <div class={`phone${hasCalls ? ' has-calls' : ''}`}>
      <Dialer {...props} />
      <div class="right">
        <CallsPanel onAddAccount={() => props.onAddAccount()} />
        <HistoryList onShowAll={props.onShowHistory} />
      </div>
    </div>
  );
}
