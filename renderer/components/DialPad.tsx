// The twelve-key pad, used for dialling and, during a call, for DTMF. Letters follow ITU E.161.

const KEYS: readonly (readonly [string, string])[] = [
  ['1', ''], ['2', 'ABC'], ['3', 'DEF'], ['4', 'GHI'], ['5', 'JKL'], ['6', 'MNO'],
  ['7', 'PQRS'], ['8', 'TUV'], ['9', 'WXYZ'], ['*', ''], ['0', '+'], ['#', ''],
];

export function DialPad(props: { onKey: (digit: string) => void; label: string; disabled?: boolean }) {
  return (
    <div class="pad" role="group" aria-label={props.label}>
      {KEYS.map(([digit, letters]) => (
        <button type="button" key={digit} disabled={props.disabled} onClick={() => props.onKey(digit)}
          aria-label={digit === '*' ? 'star' : digit === '#' ? 'hash' : digit}>
          <span class="digit">{digit}</span>
          <span class="letters" aria-hidden="true">{letters}</span>
        </button>
      ))}
    </div>
  );
}

/** Keys a user may type to dial or to send as DTMF. */
export const isDialKey = (key: string): boolean => /^[0-9*#]$/.test(key);
