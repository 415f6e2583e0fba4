// DTMF (spec §2.4, C-6): the subclass of DTMF (1, end) and DTMF_BEGIN (12) frames is the ASCII digit. We send each
// key as BEGIN on "key-down" and END DTMF_TONE_MS later, then pause, one key after the other.
import type { CancelTimer, Clock } from '../../ports.js';
import { FrameType } from '../wire/types.js';
import type { Dialog } from '../transport/dialog.js';

const VALID = /^[0-9*#A-D]$/;

/** Normalises one key to its wire character (a-d → A-D), or undefined if it is not a DTMF key. */
export function dtmfChar(key: string): string | undefined {
  const k = key.toUpperCase();
  return VALID.test(k) ? k : undefined;
}

/** The digit carried by a received DTMF / DTMF_BEGIN subclass, or undefined for garbage. */
export function digitOfSubclass(subclass: number): string | undefined {
  if (subclass < 0x20 || subclass > 0x7e) return undefined;
  return dtmfChar(String.fromCharCode(subclass));
}

/** Key-down to key-up time and the pause before the next digit: Asterisk's default 100 ms digit duration. */
export const DTMF_TONE_MS = 100;
export const DTMF_GAP_MS = 100;

/** One call's outgoing keys, sent in order on its dialog. */
export class DtmfSender {
  private readonly queue: string[] = [];
  private timer: CancelTimer | undefined;

  constructor(private readonly clock: Clock, private readonly dialog: () => Dialog | undefined,
    private readonly warn: (message: string) => void) {}

  send(digits: string): void {
    for (const key of digits) {
      const c = dtmfChar(key);
      if (c) this.queue.push(c);
      else this.warn(`'${key}' is not a DTMF key (0-9, *, #, A-D); skipped.`);
    }
    if (!this.timer) this.next();
  }

  stop(): void {
    this.timer?.();
    this.timer = undefined;
    this.queue.length = 0;
  }

  private next(): void {
    this.timer = undefined;
    const digit = this.queue.shift();
    const dialog = this.dialog();
    if (digit === undefined || !dialog) return;
    const sub = digit.charCodeAt(0);
    dialog.sendReliable({ frameType: FrameType.DTMF_BEGIN, subclass: sub });
    this.timer = this.clock.setTimer(DTMF_TONE_MS, () => {
      this.dialog()?.sendReliable({ frameType: FrameType.DTMF, subclass: sub });
      this.timer = this.clock.setTimer(DTMF_GAP_MS, () => this.next());
    });
  }
}
