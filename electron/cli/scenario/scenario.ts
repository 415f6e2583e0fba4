// A `redial test` scenario (docs/scenarios.md): the call to place and the steps to run in it, as parsed from a
// YAML or JSON file (scenario-parser.ts). Strings marked Template may hold ${name} variables, filled in per call
// (scenario-vars.ts).
import type { CodecName } from '../../core/media/codec.js';

/** A string that may contain ${name} references to the scenario's variables. */
export type Template = string;

export interface ScenarioAccount {
  readonly user: Template;
  readonly server?: Template;
  /** Environment variable holding the secret (default REDIAL_SECRET); secrets never sit in scenario files. */
  readonly secretEnv?: string;
  readonly line?: number;
}

export type PlaySource =
  | { readonly kind: 'file'; readonly path: Template }
  | { readonly kind: 'tone'; readonly hz: readonly number[]; readonly levelDbfs: number }
  | { readonly kind: 'silence' };

export type StepAction =
  | { readonly kind: 'dial'; readonly number: Template }
  | { readonly kind: 'expect-ringing'; readonly withinS: number }
  | { readonly kind: 'expect-answer'; readonly withinS: number }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'play'; readonly source: PlaySource; readonly seconds?: number; readonly background: boolean }
  | { readonly kind: 'dtmf'; readonly digits: Template; readonly intervalS: number }
  | { readonly kind: 'text'; readonly text: Template }
  | { readonly kind: 'expect-tone'; readonly hz: number; readonly toleranceHz: number; readonly withinS: number; readonly forS: number; readonly levelDbfs: number }
  | { readonly kind: 'expect-speech'; readonly withinS: number; readonly forS: number; readonly levelDbfs: number }
  | { readonly kind: 'expect-silence'; readonly withinS: number; readonly forS: number; readonly levelDbfs: number }
  | { readonly kind: 'expect-text'; readonly text?: Template; readonly match?: string; readonly withinS: number }
  | { readonly kind: 'expect-dtmf'; readonly digits: Template; readonly withinS: number }
  | { readonly kind: 'expect-hangup'; readonly withinS: number; readonly causeCode?: number }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'record'; readonly path: Template; readonly seconds?: number };

export type Step = StepAction & {
  /** 1-based position in the steps list. */
  readonly index: number;
  /** 1-based line in the file, when known. */
  readonly line?: number;
};

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** The file it came from (for messages and relative paths). */
  readonly file?: string;
  /** Each variable has one value, or a list cycled over the calls (call n takes value (n−1) mod length). */
  readonly vars: ReadonlyMap<string, readonly string[]>;
  /** Accounts cycled over the calls; empty: the command line's account. */
  readonly accounts: readonly ScenarioAccount[];
  readonly codecs?: readonly CodecName[];
  /** Upper bound for one call, seconds. */
  readonly timeoutS: number;
  readonly steps: readonly Step[];
}

const s = (v: number): string => `${Number(v.toFixed(3))} s`;

/** The step in a few words, as failure messages and JUnit test names show it. */
export function describeStep(step: StepAction): string {
  switch (step.kind) {
    case 'dial': return `dial ${step.number}`;
    case 'expect-ringing': return `expect ringing within ${s(step.withinS)}`;
    case 'expect-answer': return `expect answer within ${s(step.withinS)}`;
    case 'wait': return `wait ${s(step.seconds)}`;
    case 'play': {
      const what = step.source.kind === 'file' ? step.source.path
        : step.source.kind === 'tone' ? `tone ${step.source.hz.join('+')} Hz` : 'silence';
      return `play ${what}${step.seconds !== undefined ? ` for ${s(step.seconds)}` : ''}${step.background ? ' (in the background)' : ''}`;
    }
    case 'dtmf': return `send DTMF ${step.digits}`;
    case 'text': return `send TEXT "${step.text}"`;
    case 'expect-tone': return `expect a ${step.hz} Hz tone (±${step.toleranceHz} Hz) for ${s(step.forS)} within ${s(step.withinS)}`;
    case 'expect-speech': return `expect speech above ${step.levelDbfs} dBFS for ${s(step.forS)} within ${s(step.withinS)}`;
    case 'expect-silence': return `expect ${s(step.forS)} of silence (below ${step.levelDbfs} dBFS) within ${s(step.withinS)}`;
    case 'expect-text': return `expect TEXT ${step.text !== undefined ? `"${step.text}"` : `matching /${step.match ?? ''}/`} within ${s(step.withinS)}`;
    case 'expect-dtmf': return `expect DTMF ${step.digits} within ${s(step.withinS)}`;
    case 'expect-hangup': return `expect the far end to hang up${step.causeCode !== undefined ? ` with cause ${step.causeCode}` : ''} within ${s(step.withinS)}`;
    case 'hangup': return 'hang up';
    case 'record': return `record to ${step.path}${step.seconds !== undefined ? ` for ${s(step.seconds)}` : ''}`;
  }
}

/** "step 3 (line 12, expect answer within 5 s)": how messages name a step. */
export function stepName(step: Step): string {
  return `step ${step.index} (${step.line !== undefined ? `line ${step.line}, ` : ''}${describeStep(step)})`;
}
