// Messages between the `redial` front process and its session process (session-process.ts).
// The session process owns the engine, the sound devices and the call media; the front process only parses the
// command line, asks for the secret and prints. Two reasons (README "CLI"): the audio never waits on the terminal
// (a stalled or stopped front process cannot glitch a call), and native libraries that print to stdout (naudiodon
// and PortAudio do) cannot corrupt `--json` output: the session's own stdout is forwarded to stderr.
import type { Command } from './args.js';

export type FrontToSession =
  | {
      readonly kind: 'run'; readonly command: Exclude<Command, { kind: 'help' } | { kind: 'version' }>; readonly secret?: string;
      /** Several accounts' secrets by user name (`redial load --user a,b`). */
      readonly secrets?: Readonly<Record<string, string>>;
    }
  /** Ctrl-C / SIGTERM reached the front process: end the command cleanly (hang up, REGREL). */
  | { readonly kind: 'stop' };

export type SessionToFront =
  | { readonly kind: 'stdout'; readonly text: string }
  | { readonly kind: 'exit'; readonly code: number };

export function isFrontToSession(m: unknown): m is FrontToSession {
  if (typeof m !== 'object' || m === null) return false;
  const k = (m as { kind?: unknown }).kind;
  return k === 'stop' || (k === 'run' && typeof (m as { command?: unknown }).command === 'object');
}

export function isSessionToFront(m: unknown): m is SessionToFront {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as { kind?: unknown; text?: unknown; code?: unknown };
  return (o.kind === 'stdout' && typeof o.text === 'string') || (o.kind === 'exit' && typeof o.code === 'number');
}
