// Suites that need an external peer (Asterisk, iaxmodem, tshark, ffmpeg, Chromium): where the peer is missing they
// are skipped on a developer's machine, with a note, but FAIL in CI (.ci/run sets REDIAL_CI=1), so a CI image that
// lost a package can never pass by running fewer tests (docs/testing.md).
import { describe, it, type TestFunction } from 'vitest';

/** True when this run must have every peer (CI). */
export const peersRequired = (): boolean => process.env.REDIAL_CI === '1';

/**
 * `describe(title, body)` when `available`; otherwise, in CI, a suite with one failing test that names the missing
 * peer, and elsewhere a skipped suite.
 */
export function describeWithPeer(peer: string, available: boolean, title: string, body: () => void): void {
  if (available) {
    describe(title, body);
    return;
  }
  if (peersRequired()) {
    describe(title, () => {
      it(`needs ${peer}`, () => {
        throw new Error(`${peer} is not available on this machine; CI must install it (.ci/run)`);
      });
    });
    return;
  }
  process.stderr.write(`[redial tests] skipping "${title}": ${peer} is not available (in CI this fails)\n`);
  describe.skip(title, body);
}

/** The same for one test (a peer only one check of a suite needs). */
export function itWithPeer(peer: string, available: boolean, title: string, fn: TestFunction, timeoutMs?: number): void {
  if (available) {
    it(title, fn, timeoutMs);
    return;
  }
  if (peersRequired()) {
    it(`${title} (needs ${peer})`, () => {
      throw new Error(`${peer} is not available on this machine; CI must install it (.ci/run)`);
    });
    return;
  }
  process.stderr.write(`[redial tests] skipping "${title}": ${peer} is not available (in CI this fails)\n`);
  it.skip(title, fn);
}
