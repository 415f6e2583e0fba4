// Resolving the account secret for the CLI: from the argument, an environment variable, or a no-echo prompt.
// The secret is returned to the caller only; it is never printed, traced or written anywhere.
import type { ServerAccount } from './args.js';
import { UsageError } from './args.js';

export async function resolveSecret(
  source: ServerAccount['secret'], env: Readonly<Record<string, string | undefined>>,
  input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr,
): Promise<string | undefined> {
  switch (source.kind) {
    case 'none': return undefined;
    case 'arg': return source.value;
    case 'env': return env[source.name];
    case 'prompt': return promptHidden('Secret: ', input, output);
  }
}

/** Reads one line without echo when stdin is a terminal; from a pipe, reads the first line. */
export function promptHidden(question: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const isTty = input.isTTY === true;
    if (isTty) {
      output.write(question);
      input.setRawMode(true);
    }
    input.setEncoding('utf8');
    input.resume();
    const finish = (value: string | Error): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      if (isTty) { input.setRawMode(false); output.write('\n'); }
      input.pause();
      if (value instanceof Error) reject(value); else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') { finish(buffer); return; }
        if (ch === '\u0003') { finish(new UsageError('cancelled at the secret prompt')); return; }
        if (ch === '\u007f' || ch === '\b') { buffer = buffer.slice(0, -1); continue; }
        buffer += ch;
      }
    };
    const onEnd = (): void => finish(buffer === '' ? new UsageError('no secret given on standard input') : buffer);
    input.on('data', onData);
    input.on('end', onEnd);
  });
}
