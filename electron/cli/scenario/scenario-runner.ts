// Runs one call's scenario steps (docs/scenarios.md "How steps run"): event-driven and pure. Whoever placed the
// call feeds it what happens (ringing, answer, the end, TEXT and DTMF received, the audio we hear after the jitter
// buffer) and gives it a ScenarioCall to act through; timers come from the core's Clock port. The runner decides
// when each step passes or fails, and says why in words that name the step.
import type { CancelTimer, Clock } from '../../core/ports.js';
import { BlockAnalyzer } from '../../core/media/analysis/block-analyzer.js';
import { SilenceWatch, SpeechWatch, ToneWatch, type AudioWatch } from '../../core/media/analysis/audio-watch.js';
import type { PlaySource, Step } from './scenario.js';
import { describeStep, stepName } from './scenario.js';

/** What the runner acts through: the call placed for the scenario. */
export interface ScenarioCall {
  hangup(): void;
  sendDtmf(digit: string): void;
  sendText(text: string): void;
  /** Plays `source` into the call, replacing whatever plays; `onEnd` runs when it is over (file end or `seconds`). */
  play(source: PlaySource, seconds: number | undefined, onEnd: () => void): void;
  /** Records what we hear to a WAV file, from now until the call ends or `seconds` pass. */
  record(path: string, seconds: number | undefined): void;
}

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  readonly index: number;
  readonly line?: number;
  readonly description: string;
  readonly status: StepStatus;
  /** When the step started, ms after the call was dialled (undefined for skipped steps). */
  readonly startedMs?: number;
  readonly durationMs?: number;
  readonly message?: string;
}

export interface ScenarioOutcome {
  readonly passed: boolean;
  readonly steps: readonly StepResult[];
  /** The failing step's message, naming it ("step 4 (line 12, expect …): …"). */
  readonly failure?: string;
}

const Q850_TEXT: Readonly<Record<number, string>> = {
  16: 'normal clearing', 17: 'busy', 18: 'no user responding', 19: 'no answer', 21: 'call rejected',
  34: 'congestion', 42: 'switch congestion', 58: 'no common codec',
};

/** How a call ended, as the runner is told (the engine's CallEndInfo, or the phone's CallEndView). */
export interface CallEnd {
  readonly by: 'local' | 'remote' | 'network';
  readonly cause?: string;
  readonly causeCode?: number;
  readonly error?: { readonly code: string; readonly message: string; readonly cause?: string; readonly causeCode?: number };
}

/** "the far end hung up with cause 17 (busy)": how a call ended, as messages say it. */
export function endText(info: CallEnd): string {
  const code = info.causeCode ?? info.error?.causeCode;
  const name = info.cause ?? info.error?.cause ?? (code !== undefined ? Q850_TEXT[code] : undefined);
  const cause = code !== undefined ? `cause ${code}${name ? ` (${name})` : ''}` : name ? `"${name}"` : undefined;
  const who = info.by === 'remote' ? 'the far end hung up' : info.by === 'network' ? 'the call was lost'
    : info.error ? 'the call failed' : 'we hung up';
  return `${who}${cause ? ` with ${cause}` : ''}${info.error ? `: ${info.error.message}` : ''}`;
}

type Active = {
  step: Step;
  startedAt: number;
  timers: CancelTimer[];
  watch?: AudioWatch;
  /** For steps that finish on an event: checks the current situation, passing or failing the step. */
  check?: () => void;
};

export class ScenarioRunner {
  private readonly results: StepResult[] = [];
  private active: Active | undefined;
  private next = 0;
  private readonly dialledAt: number;
  private rang = false;
  private answered = false;
  private endInfo: CallEnd | undefined;
  private readonly texts: string[] = [];
  private dtmfHeard = '';
  private analyzer: BlockAnalyzer | undefined;
  private overall: CancelTimer | undefined;
  private finished = false;
  private hungUp = false;

  constructor(
    private readonly steps: readonly Step[],
    private readonly call: ScenarioCall,
    private readonly clock: Clock,
    private readonly o: { readonly timeoutS: number; readonly onFinished: (outcome: ScenarioOutcome) => void },
  ) {
    this.dialledAt = clock.now();
  }

  /** The call has been dialled (step 1): run the rest. */
  start(): void {
    this.overall = this.clock.setTimer(this.o.timeoutS * 1000, () => {
      this.fail(`the scenario's time limit (timeout: ${this.o.timeoutS} s) ran out`);
    });
    this.advance();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What happens in the call

  ringing(): void {
    this.rang = true;
    this.active?.check?.();
  }

  answeredNow(): void {
    this.answered = true;
    this.active?.check?.();
  }

  ended(info: CallEnd): void {
    if (this.endInfo) return;
    this.endInfo = info;
    if (this.finished) return;
    // Our own HANGUP ends the call while the hangup step is still being run (the phone reports it at once).
    if (this.active?.step.kind === 'hangup') { this.pass(); return; }
    if (this.active?.check) { this.active.check(); if (this.finished || !this.active) return; }
    // Any other step cannot go on without the call.
    if (this.active) this.fail(`${endText(info)} during this step`);
    else this.finishAll();
  }

  text(text: string): void {
    this.texts.push(text);
    this.active?.check?.();
  }

  dtmf(digit: string): void {
    this.dtmfHeard += digit.toUpperCase();
    this.active?.check?.();
  }

  /** The audio we hear (after the jitter buffer), any frame size; analysed only while an audio step waits. */
  audio(pcm: Int16Array, sampleRate: number): void {
    const a = this.active;
    if (!a?.watch || this.finished) return;
    if (!this.analyzer || this.analyzer.sampleRate !== sampleRate) {
      this.analyzer = new BlockAnalyzer(sampleRate, (block) => {
        const w = this.active?.watch;
        if (w && w.feed(block)) this.pass();
      });
    }
    this.analyzer.push(pcm);
  }

  get done(): boolean {
    return this.finished;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private advance(): void {
    while (!this.finished && !this.active && this.next < this.steps.length) {
      const step = this.steps[this.next++];
      if (step.kind === 'dial') { this.note(step, 'passed', this.clock.now()); continue; }
      this.begin(step);
    }
    if (!this.finished && !this.active && this.next >= this.steps.length) this.finishAll();
  }

  private begin(step: Step): void {
    const a: Active = { step, startedAt: this.clock.now(), timers: [] };
    this.active = a;
    const within = (seconds: number, why: () => string): void => {
      a.timers.push(this.clock.setTimer(seconds * 1000, () => { if (this.active === a) this.fail(why()); }));
    };
    const callGone = (): boolean => {
      if (!this.endInfo) return false;
      this.fail(`${endText(this.endInfo)} before this step could run`);
      return true;
    };
    switch (step.kind) {
      case 'expect-ringing':
        a.check = () => {
          if (this.rang) this.pass();
          else if (this.answered) this.fail('the call was answered without ringing first');
          else if (this.endInfo) this.fail(`${endText(this.endInfo)} without ringing`);
        };
        within(step.withinS, () => `no ringing within ${step.withinS} s`);
        break;
      case 'expect-answer':
        a.check = () => {
          if (this.answered) this.pass();
          else if (this.endInfo) this.fail(`not answered: ${endText(this.endInfo)}`);
        };
        within(step.withinS, () => `not answered within ${step.withinS} s${this.rang ? ' (it was ringing)' : ''}`);
        break;
      case 'expect-hangup':
        a.check = () => {
          const e = this.endInfo;
          if (!e) return;
          if (e.by !== 'remote') { this.fail(`${endText(e)}, but the far end was expected to hang up`); return; }
          const code = e.causeCode ?? e.error?.causeCode;
          if (step.causeCode !== undefined && code !== step.causeCode) {
            this.fail(`${endText(e)}, but cause ${step.causeCode} was expected`);
            return;
          }
          this.pass();
        };
        within(step.withinS, () => `the far end did not hang up within ${step.withinS} s`);
        break;
      case 'expect-text':
        a.check = () => {
          const matches = (t: string): boolean => (step.text !== undefined ? t === step.text : new RegExp(step.match ?? '').test(t));
          const i = this.texts.findIndex(matches);
          if (i >= 0) { this.texts.splice(0, i + 1); this.pass(); return; }
          if (this.endInfo) this.fail(`${endText(this.endInfo)} before the TEXT arrived${this.heardTexts()}`);
        };
        within(step.withinS, () => `no such TEXT within ${step.withinS} s${this.heardTexts()}`);
        break;
      case 'expect-dtmf':
        a.check = () => {
          const i = this.dtmfHeard.indexOf(step.digits);
          if (i >= 0) { this.dtmfHeard = this.dtmfHeard.slice(i + step.digits.length); this.pass(); return; }
          if (this.endInfo) this.fail(`${endText(this.endInfo)} before the DTMF arrived${this.heardDtmf()}`);
        };
        within(step.withinS, () => `no DTMF ${step.digits} within ${step.withinS} s${this.heardDtmf()}`);
        break;
      case 'expect-tone':
      case 'expect-speech':
      case 'expect-silence': {
        if (callGone()) return;
        a.watch = step.kind === 'expect-tone'
          ? new ToneWatch({ hz: step.hz, toleranceHz: step.toleranceHz, minMs: step.forS * 1000, minLevelDbfs: step.levelDbfs })
          : step.kind === 'expect-speech'
            ? new SpeechWatch({ minMs: step.forS * 1000, levelDbfs: step.levelDbfs })
            : new SilenceWatch({ minMs: step.forS * 1000, levelDbfs: step.levelDbfs });
        this.analyzer = undefined; // blocks start with the step
        const w = a.watch;
        within(step.withinS, () => `not heard within ${step.withinS} s; heard ${w.heard()}`);
        break;
      }
      case 'wait':
        if (callGone()) return;
        a.timers.push(this.clock.setTimer(step.seconds * 1000, () => { if (this.active === a) this.pass(); }));
        break;
      case 'play':
        if (callGone()) return;
        this.call.play(step.source, step.seconds, () => { if (this.active === a && !step.background) this.pass(); });
        if (step.background) this.pass();
        break;
      case 'dtmf': {
        if (callGone()) return;
        const digits = [...step.digits];
        const sendNext = (): void => {
          if (this.active !== a) return;
          const d = digits.shift();
          if (d === undefined) { this.pass(); return; }
          this.call.sendDtmf(d);
          a.timers.push(this.clock.setTimer(step.intervalS * 1000, sendNext));
        };
        sendNext();
        break;
      }
      case 'text':
        if (callGone()) return;
        this.call.sendText(step.text);
        this.pass();
        break;
      case 'record':
        if (callGone()) return;
        this.call.record(step.path, step.seconds);
        this.pass();
        break;
      case 'hangup':
        this.hangupOnce();
        this.pass();
        break;
      case 'dial':
        this.pass();
        break;
    }
    if (this.active === a) a.check?.();
  }

  private hangupOnce(): void {
    if (this.endInfo || this.hungUp) return;
    this.hungUp = true;
    this.call.hangup();
  }

  private heardTexts(): string {
    return this.texts.length ? `; received: ${this.texts.map((t) => JSON.stringify(t)).join(', ')}` : '; no TEXT received';
  }

  private heardDtmf(): string {
    return this.dtmfHeard ? `; received DTMF: ${this.dtmfHeard}` : '; no DTMF received';
  }

  private note(step: Step, status: StepStatus, startedAt: number | undefined, message?: string): void {
    this.results.push({
      index: step.index, ...(step.line !== undefined ? { line: step.line } : {}), description: describeStep(step), status,
      ...(startedAt !== undefined ? { startedMs: startedAt - this.dialledAt, durationMs: this.clock.now() - startedAt } : {}),
      ...(message !== undefined ? { message } : {}),
    });
  }

  private settle(status: 'passed' | 'failed', message?: string): Step | undefined {
    const a = this.active;
    if (!a) return undefined;
    this.active = undefined;
    for (const cancel of a.timers) cancel();
    this.note(a.step, status, a.startedAt, message);
    return a.step;
  }

  private pass(): void {
    if (!this.active || this.finished) return;
    this.settle('passed');
    this.advance();
  }

  private fail(why: string): void {
    if (this.finished) return;
    const step = this.settle('failed', why);
    const failure = step ? `${stepName(step)}: ${why}` : why;
    for (const s of this.steps.slice(this.next)) this.note(s, 'skipped', undefined);
    this.next = this.steps.length;
    this.finishAll(failure);
  }

  private finishAll(failure?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.overall?.();
    // Whatever the outcome, the call does not outlive its scenario.
    this.hangupOnce();
    this.o.onFinished({ passed: failure === undefined, steps: this.results, ...(failure !== undefined ? { failure } : {}) });
  }
}
