// "Stop now" for a running command: SIGINT/SIGTERM/SIGHUP (the terminal closed: the whole process group gets it),
// the front process's 'stop' message (session-protocol.ts), or the front process going away (its IPC channel closes). The session process listens from its first moment
// (listenForStop), so a Ctrl-C while a command is still starting is not lost; a command asks stopRequested() when
// it is ready to act on it.
import { isFrontToSession } from './session-protocol.js';

let requested: string | undefined;
const waiters: ((why: string) => void)[] = [];

function request(why: string): void {
  if (requested !== undefined) return;
  requested = why;
  for (const w of waiters.splice(0)) w(why);
}

/**
 * Installs the listeners (the session process does, once). The SIGINT handler stays: a Ctrl-C at the terminal
 * reaches the session too (same process group), and the front process decides what it means — a first one stops
 * the command cleanly, a second one ends the session at once (main.ts) — so a SIGINT never kills the session itself.
 */
export function listenForStop(): void {
  process.on('SIGINT', () => request('SIGINT'));
  process.on('SIGTERM', () => request('SIGTERM'));
  process.on('message', (m: unknown) => { if (isFrontToSession(m) && m.kind === 'stop') request('stop'); });
  process.on('disconnect', () => request('disconnect'));
}

/** Resolves when the user asked the command to end (at once if that happened already). */
export function stopRequested(): Promise<string> {
  if (requested !== undefined) return Promise.resolve(requested);
  return new Promise((resolve) => { waiters.push(resolve); });
}
