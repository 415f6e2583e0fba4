// The phone's events as the contract names them (electron/shared/api.ts Events), a word when the listeners of an
// event change (the phone runs the trace and level streams only for someone listening), and the notices it raises.
import type { Clock } from '../ports.js';
import type { EventName, EventPayload, Events } from '../../shared/api.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { remoteText } from './api-views.js';

export type NoticeLevel = 'info' | 'warning' | 'error';

export class PhoneEvents extends TypedEmitter<Events> {
  private noticeCounter = 0;

  constructor(private readonly clock: Clock, private readonly onListenersChanged: (name: EventName) => void) { super(); }

  fire<K extends EventName>(name: K, payload: Events[K]): void { this.emit(name, payload); }

  /** Subscribes; the returned function unsubscribes once. */
  listen<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    const off = this.on(name, listener);
    this.onListenersChanged(name);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      this.onListenersChanged(name);
    };
  }

  /** A notice for the user; `message` may hold network text (escaped here, once: docs/decisions.md D-25). */
  notice(level: NoticeLevel, code: string, message: string, about: { accountId?: string; callId?: string } = {}): void {
    this.fire('notice', {
      id: `n${++this.noticeCounter}`, level, code: code.slice(0, 64) || 'notice', message: remoteText(message, 2048) || code,
      at: this.clock.wallTime().getTime(), ...about,
    });
  }
}
