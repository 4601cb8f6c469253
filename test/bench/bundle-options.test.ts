/**
 * What the shared esbuild options promise about every Lambda bundle, checked on a real build:
 * Node built-ins come through `require()` (their ES facades run every lazy getter, and
 * `node:http`'s load undici), and the bundle still runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/settings';
import { bundleOptions, FUNCTIONS } from '../../scripts/bundle-options';

const root = resolve(import.meta.dirname, '../..');

describe('bundleOptions', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bundle-options-'));
    bundle = join(dir, 'index.mjs');
    await build({
      ...bundleOptions('test/bench/fixtures/secret-probe.ts', bundle),
      absWorkingDir: root,
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports no Node built-in as an ES module except node:module for the require banner', () => {
    // Act
    const esmImports = [
      ...readFileSync(bundle, 'utf8').matchAll(/from\s*["'](node:[^"']+|[a-z_]+)["']/g),
    ].map((match) => match[1]);

    // Assess
    expect(esmImports).toEqual(['node:module']);
  });

  it('loads those built-ins with require and still evaluates (node:http without undici)', async () => {
    // Act
    const probe = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;

    // Assess
    expect(typeof probe.readSecret).toBe('function');
    expect(readFileSync(bundle, 'utf8')).toMatch(/\("node:http"\)/);
  });

  it('names the six deployed functions, as the stack does', () => {
    expect(FUNCTIONS).toEqual([
      'forgot-password',
      'confirm-forgot-password',
      'post-confirmation',
      'deliver-after-reset',
      'rotate-client-secret',
      'custom-message',
    ]);
    expect([...FUNCTIONS]).toEqual([...FUNCTION_NAMES]);
  });
});
