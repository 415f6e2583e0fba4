// The release workflow (.github/workflows/release.yml) cannot run here (it downloads Electron and electron-builder's
// tools, and needs macOS and Windows runners), so it is checked statically against what it drives: it tests before
// it packages, packages with our builder config on all three systems, launches each packaged app with the flag the
// app really has, at the path electron-builder really writes for our config, and publishes only from a tag.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { SELF_TEST_ARG } from '../../../electron/main/self-test.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const config = require(join(root, 'build/electron-builder.config.cjs')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const semver = require('semver') as { intersects(a: string, b: string): boolean; subset(a: string, b: string): boolean };

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string; shell?: string; name?: string }
interface Job { needs?: string | string[]; 'runs-on': string; container?: string; if?: string; steps: Step[];
  strategy?: { matrix: { include: { os: string; 'self-test': string }[] } }; permissions?: Record<string, string> }
interface Workflow { on: { push?: { tags?: string[] }; workflow_dispatch?: unknown }; jobs: Record<string, Job>; permissions?: Record<string, string> }

const workflow = load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as Workflow;
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');

describe('release workflow', () => {
  it('runs on a version tag (or by hand), and publishes only from a tag', () => {
    expect(workflow.on.push?.tags).toEqual(['v*']);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const release = workflow.jobs.release;
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(release.permissions).toEqual({ contents: 'write' });
    expect(release.needs).toBe('package');
    expect(runs(release)).toMatch(/gh release create "\$GITHUB_REF_NAME" artifacts\/\*\/\*/);
  });

  it('runs npm test first, on Debian like the offline CI, with a Node the project supports', () => {
    const test = workflow.jobs.test;
    expect(test.container).toBe('debian:bookworm');
    expect(runs(test)).toMatch(/^npm ci\b/m);
    expect(runs(test)).toMatch(/^npm test$/m);
    // What the browser and interop suites need, from the same archive .ci/run installs it from.
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    for (const p of ['iaxmodem', 'tshark', 'chromium', 'libasound2-dev', 'ffmpeg', 'sox', 'espeak-ng']) {
      expect(runs(test), p).toContain(` ${p} `);
      expect(ci, p).toContain(p);
    }
    for (const job of [workflow.jobs.test, workflow.jobs.package]) {
      // setup-node takes the newest release of the major line given: that line must hold supported versions.
      const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'];
      expect(semver.intersects(`^${String(node)}`, pkg.engines.node), `node ${String(node)} vs ${pkg.engines.node}`).toBe(true);
      expect(semver.intersects('^20', pkg.engines.node)).toBe(false); // (and the check can fail)
    }
  });

  it('packages on Linux, macOS (Apple silicon and Intel) and Windows with our builder config, after the tests', () => {
    const job = workflow.jobs.package;
    expect(job.needs).toBe('test');
    const oses = job.strategy!.matrix.include.map((m) => m.os);
    expect(oses.some((o) => o.startsWith('ubuntu-'))).toBe(true);
    expect(oses.filter((o) => o.startsWith('macos-'))).toHaveLength(2);
    expect(oses.some((o) => o.startsWith('windows-'))).toBe(true);
    const builder = job.steps.find((s) => s.run?.includes('electron-builder'));
    expect(builder?.run).toBe('npx electron-builder --config build/electron-builder.config.cjs --publish never');
    expect(existsSync(join(root, 'build/electron-builder.config.cjs'))).toBe(true);
    const order = job.steps.map((s) => s.run ?? s.uses ?? '');
    expect(order.indexOf('npm run build')).toBeLessThan(order.indexOf(builder!.run!));
    // Electron's binary is downloaded here (never skipped), naudiodon and its RUNPATH fix have what they need.
    expect(JSON.stringify(job.steps)).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    expect(runs(job)).toMatch(/apt-get install .*libasound2-dev patchelf xvfb/);
  });

  it('launches every packaged app once with --self-test, where electron-builder puts it for our config', () => {
    const job = workflow.jobs.package;
    const out = config.directories.output as string;
    const expected: Record<string, RegExp> = {
      // linux.executableName; mac: productName.app in mac/ (x64) or mac-arm64/; win: productName.exe.
      ubuntu: new RegExp(`^xvfb-run -a ${out}/linux-unpacked/${config.linux.executableName} ${SELF_TEST_ARG}$`),
      'macos-14': new RegExp(`^${out}/mac-arm64/${config.productName}\\.app/Contents/MacOS/${config.productName} ${SELF_TEST_ARG}$`),
      'macos-13': new RegExp(`^${out}/mac/${config.productName}\\.app/Contents/MacOS/${config.productName} ${SELF_TEST_ARG}$`),
      windows: new RegExp(`^${out}/win-unpacked/${config.productName}\\.exe ${SELF_TEST_ARG}$`),
    };
    for (const { os, 'self-test': cmd } of job.strategy!.matrix.include) {
      const key = Object.keys(expected).find((k) => os.startsWith(k))!;
      expect(cmd, os).toMatch(expected[key]);
    }
    const smoke = job.steps.find((s) => s.name === 'Smoke test of the packaged app');
    expect(smoke?.shell).toBe('bash');
    // The job fails unless the app's own report says it passed (electron/main/self-test.ts prints it).
    expect(smoke?.run).toContain(`grep -q '"selfTest":"passed"'`);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(String(upload?.with?.path).split('\n').filter(Boolean).map((p) => p.trim()))
      .toEqual([`${out}/*.AppImage`, `${out}/*.deb`, `${out}/*.dmg`, `${out}/*.exe`]);
  });

  it('pins every action to a major version', () => {
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => u !== undefined));
    expect(uses.length).toBeGreaterThan(4);
    for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+@v\d+$/);
  });
});
