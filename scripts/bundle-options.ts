import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The deployed functions: each is `lambda/<name>/index.ts`, bundled to `dist/lambda/<name>/index.mjs`. */
export const FUNCTIONS = [
  'forgot-password',
  'confirm-forgot-password',
  'post-confirmation',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * The environment-only credential provider that replaces the SDK's default chain in the bundles
 * (absolute, so a build works from any working directory).
 */
export const ENV_ONLY_CREDENTIAL_PROVIDER = fileURLToPath(
  new URL('./credential-provider-env-only.ts', import.meta.url),
);

/**
 * The one set of esbuild options every Lambda bundle is built with, shared by `npm run build`
 * and the benchmark, so that a variant measured by the bench is built exactly as the product is.
 *
 * Every choice here is measured by `npm run bench` (figures in `docs/performance.md`):
 * - ES-module entry points (`mainFields: module,main`) let esbuild tree-shake the AWS SDK
 *   (the Cognito client alone: 545 KB to 324 KB).
 * - The SDK's default credential chain is aliased to an environment-only provider: Lambda
 *   supplies the role's credentials in the environment, and the chain's other sources (SSO, INI,
 *   process, web identity, IMDS) are the largest dead code in a bundle.
 * - The `createRequire` banner lets the CommonJS parts that remain call `require` inside an ESM
 *   bundle.
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
    alias: { '@aws-sdk/credential-provider-node': ENV_ONLY_CREDENTIAL_PROVIDER },
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
  };
}
