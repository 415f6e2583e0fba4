// "Stop now" for a running command: SIGINT/SIGTERM, the front process's 'stop' message (session-protocol.ts), or
// the front process going away (its IPC channel closes).
import { isFrontToSession } from './session-protocol.js';

/** Resolves once when the user asked the command to end. */
export function stopRequested(): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolve(why);
    };
    const onInt = (): void => done('SIGINT');
    const onTerm = (): void => done('SIGTERM');
    const onMessage = (m: unknown): void => { if (isFrontToSession(m) && m.kind === 'stop') done('stop'); };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const onDisconnect = (): void => done('disconnect');
    process.on('message', onMessage);
    process.on('disconnect', onDisconnect);
  });
}
