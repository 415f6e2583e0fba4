// The main screen: dialler on the left, calls and history on the right.
import { CallsPanel } from './CallsPanel.js';
import { Dialer } from './Dialer.js';
import { HistoryList } from './HistoryList.js';

export function PhoneView(props: { number: string; setNumber: (n: string) => void; inputRef: { current: HTMLInputElement | null } }) {
  return (
    <div class="phone">
      <Dialer number={props.number} setNumber={props.setNumber} inputRef={props.inputRef} />
      <div class="right">
        <CallsPanel />
        <HistoryList />
      </div>
    </div>
  );
}
