import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

/** The deployed functions: each is `lambda/<name>/index.ts`, bundled to `dist/lambda/<name>/index.mjs`. */
export const FUNCTIONS = [
  'forgot-password',
  'confirm-forgot-password',
  'post-confirmation',
  'deliver-after-reset',
  'rotate-client-secret',
  'custom-message',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * The environment-only credential provider that replaces the SDK's default chain in the bundles
 * (absolute, so a build works from any working directory).
 */
export const ENV_ONLY_CREDENTIAL_PROVIDER = fileURLToPath(
  new URL('./credential-provider-env-only.ts', import.meta.url),
);

const BUILTIN_CJS = 'builtin-cjs';

/**
 * Loads Node's built-in modules with `require()` instead of an ES `import`. Node builds the ES
 * module facade of a built-in by reading every export, lazy getters included, and `node:http`'s
 * lazy `WebSocket`/`CloseEvent`/`MessageEvent` getters load the whole of undici: measured here,
 * `import 'node:http'` costs 25-30 ms in a fresh Node 24 process and `require('node:http')` 3 ms
 * (`crypto.webcrypto`, `fs.promises` and others add more). Each built-in becomes a one-line
 * CommonJS module `module.exports = require('node:x')`; esbuild's interop then reads a named
 * import off it only where the code uses it, so no lazy getter runs unless it is needed.
 */
export const builtinsViaRequire: Plugin = {
  name: 'builtins-via-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const path = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      return args.namespace === BUILTIN_CJS
        ? { path, external: true }
        : { path, namespace: BUILTIN_CJS };
    });
    build.onLoad({ filter: /.*/, namespace: BUILTIN_CJS }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

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
 * - Node built-ins are loaded with `require()` (see {@link builtinsViaRequire}): their ES facades
 *   run every lazy getter, `node:http`'s loading undici (~25 ms of each cold start).
 * - The `createRequire` banner lets the CommonJS parts call `require` inside an ESM bundle.
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
    plugins: [builtinsViaRequire],
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
  };
}
