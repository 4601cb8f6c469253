import type { BuildOptions } from 'esbuild';

/** The deployed functions: each is `lambda/<name>/index.ts`, bundled to `dist/lambda/<name>/index.mjs`. */
export const FUNCTIONS = [
  'forgot-password',
  'confirm-forgot-password',
  'post-confirmation',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * The one set of esbuild options every Lambda bundle is built with, shared by `npm run build`
 * and the benchmark, so that a variant measured by the bench is built exactly as the product is.
 *
 * ES-module entry points (`mainFields: module,main`) let esbuild tree-shake the AWS SDK; the
 * `createRequire` banner lets the CommonJS parts that remain call `require` inside an ESM bundle.
 *
 * @example
 * await build(bundleOptions('lambda/forgot-password/index.ts', 'dist/lambda/forgot-password/index.mjs'));
 */
export function bundleOptions(entryPoint: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
  };
}
