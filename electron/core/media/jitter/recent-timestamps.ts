// The last few slot timestamps played or concealed as lost. A frame claiming a played slot is a duplicate; one
// filling a slot concealed as lost arrived late and un-counts the loss; a reordered frame must fill such a hole to
// fit the stream (stack-notes §5.5: mini frames carry no sequence number to tell these apart).

const RECENT = 64;

export class RecentTimestamps {
  private readonly ts: number[] = [];

  remember(ts: number): void {
    this.ts.push(ts);
    if (this.ts.length > RECENT) this.ts.shift();
  }

  has(ts: number): boolean {
    return this.ts.includes(ts);
  }

  /** Whether one is within `tol` ms of `ts`. */
  near(ts: number, tol: number): boolean {
    return this.ts.some((t) => Math.abs(t - ts) <= tol);
  }

  /** Forgets the first within `tol` ms of `ts`; whether there was one. */
  removeNear(ts: number, tol: number): boolean {
    const i = this.ts.findIndex((t) => Math.abs(t - ts) <= tol);
    if (i < 0) return false;
    this.ts.splice(i, 1);
    return true;
  }

  clear(): void {
    this.ts.length = 0;
  }
}
