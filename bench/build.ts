/**
 * Builds everything the bench runs, from source, so that it works from a fresh clone: the two
 * child runners and every variant, each variant with `bundleOptions` (the product's own esbuild
 * options). A product bundle built here is byte for byte what `npm run build` writes to
 * `dist/lambda/<name>/index.mjs`; where that file exists the bench says whether it matches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { bundleOptions } from '../scripts/bundle-options';
import type { Variant } from './variants';

export interface BuiltVariant extends Variant {
  /** Absolute path of the bundle the children import. */
  readonly bundle: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** For product variants: whether `dist/lambda/<name>/index.mjs` exists and equals this build. */
  readonly matchesDistLambda?: boolean | 'absent';
}

export interface BuiltChildren {
  readonly cold: string;
  readonly warm: string;
}

/**
 * Bundles the cold and warm child runners (plain Node ESM, no dependencies) under `workDir`
 * (the directory `results.json` goes to, so that two benches never share builds).
 */
export async function buildChildren(root: string, workDir: string): Promise<BuiltChildren> {
  const outdir = resolve(workDir, 'child');
  await mkdir(outdir, { recursive: true });
  const common: BuildOptions = {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    logLevel: 'warning',
  };
  const cold = resolve(outdir, 'cold.mjs');
  const warm = resolve(outdir, 'warm.mjs');
  await Promise.all([
    build({ ...common, entryPoints: [resolve(root, 'bench/child/cold.ts')], outfile: cold }),
    build({ ...common, entryPoints: [resolve(root, 'bench/child/warm.ts')], outfile: warm }),
  ]);
  return { cold, warm };
}

/**
 * Bundles one variant with the product's options (adjusted where the variant says so). Returns
 * undefined for a product function whose source does not exist yet.
 */
export async function buildVariant(
  root: string,
  variant: Variant,
  workDir: string,
): Promise<BuiltVariant | undefined> {
  if (!existsSync(resolve(root, variant.entry))) return undefined;
  const bundle = resolve(workDir, 'variants', variant.id, 'index.mjs');
  const adjust = variant.adjust ?? ((options: BuildOptions) => options);
  await build({ ...adjust(bundleOptions(variant.entry, bundle)), absWorkingDir: root });
  const bytes = readFileSync(bundle);
  let matchesDistLambda: boolean | 'absent' | undefined;
  if (variant.functionName !== undefined && variant.adjust === undefined) {
    const deployed = resolve(root, 'dist/lambda', variant.functionName, 'index.mjs');
    matchesDistLambda = existsSync(deployed) ? readFileSync(deployed).equals(bytes) : 'absent';
  }
  return {
    ...variant,
    bundle,
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    ...(matchesDistLambda === undefined ? {} : { matchesDistLambda }),
  };
}
