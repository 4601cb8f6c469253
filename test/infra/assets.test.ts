/**
 * The deployed code is exactly what `npm run build` wrote: each function's asset, as staged in
 * the cloud assembly, holds the same files with the same bytes as `dist/lambda/<name>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_DIR, FUNCTION_NAMES } from '../../infra/password-reset-stack';
import { type Synthesized, synthesize } from './synth';
import { resourcesOfType } from './template-queries';

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize();
});

function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(full.slice(dir.length + 1), readFileSync(full));
  }
  return files;
}

describe.each(FUNCTION_NAMES)('function %s', (name) => {
  it('deploys the bytes of dist/lambda/%s (npm run build), and nothing else', () => {
    // Prepare
    const { stack, template, outdir } = synthesized;
    const fn = stack.functions[name].fn;
    const logicalId = stack.getLogicalId(
      fn.node.defaultChild as Parameters<typeof stack.getLogicalId>[0],
    );
    const metadata = resourcesOfType(template, 'AWS::Lambda::Function')[logicalId]?.Metadata;
    // Act
    const staged = filesOf(join(outdir, String(metadata?.['aws:asset:path'])));
    const built = filesOf(join(DEFAULT_BUNDLE_DIR, name));
    // Assess
    expect([...staged.keys()]).toEqual(['index.mjs']);
    expect([...built.keys()]).toEqual(['index.mjs']);
    expect(staged.get('index.mjs')?.equals(built.get('index.mjs') ?? Buffer.alloc(0))).toBe(true);
    expect(metadata?.['aws:asset:property']).toBe('Code');
  });
});
