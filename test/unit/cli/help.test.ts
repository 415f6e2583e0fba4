// Every option the parser accepts is documented, in `redial help` and in the README; and each command's usage
// line names the options that change what it does (listen --codec was once missing).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../electron/cli/args.js';
import { HELP } from '../../../electron/cli/help.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const mentions = (text: string, option: string): boolean => new RegExp(`--${option}(?![\\w-])`).test(text);
/** The usage block of one command in the help: from "redial NAME" up to the next "redial " line. */
const usage = (command: string): string => {
  const m = new RegExp(`^  redial ${command}\\b[\\s\\S]*?(?=^  redial |^$)`, 'm').exec(HELP);
  return m ? m[0] : '';
};

describe('redial help', () => {
  it('documents every option in the help text and the README', () => {
    const options = Object.keys(OPTIONS);
    expect(options.length).toBeGreaterThan(25);
    expect(options.filter((o) => !mentions(HELP, o))).toEqual([]);
    expect(options.filter((o) => !mentions(readme, o))).toEqual([]);
  });

  it('lists the codec, media and encryption options on both call and listen', () => {
    for (const command of ['call', 'listen']) {
      for (const option of ['codec', 'play', 'record', 'record-both', 'hangup-after', 'dtmf', 'encryption']) {
        expect(mentions(usage(command), option), `${command} --${option}`).toBe(true);
      }
    }
  });
});
