// The session process of `redial` (see session-protocol.ts): runs one command with the engine, devices and call
// media, prints through the front process, and exits with the command's code.
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { UsageError } from './args.js';
import { CliOutput } from './output.js';
import { isFrontToSession, type FrontToSession, type SessionToFront } from './session-protocol.js';
import { listenForStop } from './stop-request.js';

// naudiodon's blocking stream calls run on libuv's thread pool (created on first use, after this line): keep it
// large enough for capture + playback + file I/O.
process.env.UV_THREADPOOL_SIZE ??= '16';

const send = (m: SessionToFront): void => { process.send?.(m); };

async function runCommand(m: Extract<FrontToSession, { kind: 'run' }>): Promise<ExitCodeValue> {
  const cmd = m.command;
  const out = new CliOutput(cmd.common.json, { write: (text: string) => send({ kind: 'stdout', text }) }, process.stderr);
  try {
    switch (cmd.kind) {
      case 'register': return await (await import('./commands/register.js')).runRegister(cmd, m.secret, out);
      case 'call': return await (await import('./commands/call.js')).runCall(cmd, m.secret, out);
      case 'listen': return await (await import('./commands/listen.js')).runListen(cmd, m.secret, out);
      case 'devices': return await (await import('./commands/devices.js')).runDevices(cmd, out);
      case 'load': return await (await import('./commands/load.js')).runLoad(cmd, m.secrets ?? {}, out);
      case 'test': return await (await import('./commands/test.js')).runTest(cmd, m.secrets ?? {}, out);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out.emit({ event: 'error', code: 'usage', message: err.message });
      return ExitCode.USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      out.emit({ event: 'error', code: 'network', message: `cannot open the UDP socket: ${message}` });
      return ExitCode.NETWORK;
    }
    out.emit({ event: 'error', code: 'internal', message });
    return ExitCode.INTERNAL;
  }
}

if (!process.send) {
  process.stderr.write('redial: session-process.js is started by the redial command, not directly\n');
  process.exit(ExitCode.USAGE);
}
// The terminal closed: SIGHUP reaches the whole process group, this process too. It never ends the session
// outright (the command's stop request handles it: HANGUP, REGREL), and the writes to a terminal that is gone fail
// quietly instead of ending the process.
process.on('SIGHUP', () => undefined);
process.stderr.on('error', () => undefined);
// Orphaned (the front process was killed): the command gets its stop request and a few seconds to hang up and
// unregister, then the process leaves regardless.
process.on('disconnect', () => { setTimeout(() => process.exit(ExitCode.INTERNAL), 5000).unref(); });
// Stop requests are heard from now on, even while a command is still starting (stop-request.ts).
listenForStop();
process.once('message', (m: unknown) => {
  if (!isFrontToSession(m) || m.kind !== 'run') {
    process.exit(ExitCode.INTERNAL);
    return;
  }
  void runCommand(m).then((code) => {
    send({ kind: 'exit', code });
    // Leave once the message is flushed, even if a stuck device thread would keep the process alive.
    setTimeout(() => process.exit(code), 50).unref();
  });
});
