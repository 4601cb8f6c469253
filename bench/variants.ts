/**
 * The variants the bench compares: the floor and the typical implementation (sources under
 * `bench/variants/`) and the product's four request-path functions (sources under `lambda/`), each bundled
 * with the product's own esbuild options; and, for `--experiments`, product builds with one
 * option or library changed at a time, which price each optimisation separately.
 */
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import type { FunctionName } from '../scripts/bundle-options';
import type { Operation } from './child/invocation';

/** The variant's part in the comparison: budgets are product/floor ratios. */
export type Role = 'floor' | 'typical' | 'product' | 'reference' | 'experiment';

export interface Variant {
  /** Short id used in the table and in `results.json`. */
  readonly id: string;
  readonly role: Role;
  readonly operation: Operation;
  /** The TypeScript entry point, relative to the repository root. */
  readonly entry: string;
  /** For product variants: the function whose `dist/lambda/<name>/index.mjs` this is. */
  readonly functionName?: FunctionName;
  /** What differs from `bundleOptions`, if anything (experiments and the floor only). */
  readonly adjust?: (options: BuildOptions) => BuildOptions;
  /** One line saying what the variant is, for the results. */
  readonly note: string;
  /** Environment on top of the bench's own (experiments that switch a behaviour on). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The SDK's own default credential chain instead of the environment-only alias: the floor is
 * `new CognitoIdentityProviderClient()` exactly as the SDK ships it, built with every other
 * product option (ES-module entry points included), so the product cannot win by the floor being
 * built badly, nor by the floor being denied the SDK's defaults.
 */
export const withDefaultCredentialChain = (options: BuildOptions): BuildOptions => {
  const { alias: _alias, ...rest } = options;
  return rest;
};

const shim = (name: string): string =>
  fileURLToPath(new URL(`./experiments/${name}.ts`, import.meta.url));

/**
 * `lambda/shared/aws-clients.ts` replaced, for the product's own imports only, by a bench shim
 * (under `experiments/`) that wraps it.
 */
export const withAwsClientsShim =
  (name: string) =>
  (options: BuildOptions): BuildOptions => {
    const replacement = shim(name);
    return {
      ...options,
      plugins: [
        ...(options.plugins ?? []),
        {
          name: `aws-clients-${name}`,
          setup(build) {
            build.onResolve({ filter: /\/aws-clients$/ }, (args) =>
              args.importer === replacement ? undefined : { path: replacement },
            );
          },
        },
      ],
    };
  };

/** The Cognito client primed at module load (see `experiments/primed-aws-clients.ts`). */
export const withPrimedCognitoClient = withAwsClientsShim('primed-aws-clients');

/** Powertools Logger and Metrics replaced by minimal in-house equivalents. */
export const withLiteObservability = (options: BuildOptions): BuildOptions => ({
  ...options,
  alias: {
    ...options.alias,
    '@aws-lambda-powertools/logger/middleware': shim('lite-logger'),
    '@aws-lambda-powertools/logger': shim('lite-logger'),
    '@aws-lambda-powertools/metrics': shim('lite-metrics'),
  },
});

/** Built-ins imported as ES modules again (the `builtinsViaRequire` plugin left out). */
export const withEsmBuiltins = (options: BuildOptions): BuildOptions => ({
  ...options,
  plugins: (options.plugins ?? []).filter((plugin) => plugin.name !== 'builtins-via-require'),
});

/** esbuild's default `mainFields` for node (`main,module`): the SDK's CommonJS build. */
export const withCommonJsEntryPoints = (options: BuildOptions): BuildOptions => {
  const { mainFields: _mainFields, ...rest } = options;
  return rest;
};

export const VARIANTS: readonly Variant[] = [
  {
    id: 'floor',
    role: 'floor',
    operation: 'confirm',
    entry: 'bench/variants/floor.ts',
    adjust: withDefaultCredentialChain,
    note: 'new CognitoIdentityProviderClient() + ConfirmForgotPasswordCommand, SDK defaults, ES-module entry points',
  },
  {
    id: 'floor-env',
    role: 'reference',
    operation: 'confirm',
    entry: 'bench/variants/floor.ts',
    note: 'the floor built with every product option, the environment-only credential alias included',
  },
  {
    id: 'floor-trigger',
    role: 'reference',
    operation: 'trigger',
    entry: 'bench/variants/floor-trigger.ts',
    adjust: withDefaultCredentialChain,
    note: 'the trigger floor: new CognitoIdentityProviderClient() + new SQSClient(), AdminUserGlobalSignOut then SendMessageBatch, SDK defaults',
  },
  {
    id: 'typical',
    role: 'typical',
    operation: 'confirm',
    entry: 'bench/variants/typical.ts',
    note: 'classic zod, clients and secret fetch per request, no prefetch',
  },
  {
    id: 'confirm',
    role: 'product',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    functionName: 'confirm-forgot-password',
    note: 'dist/lambda/confirm-forgot-password/index.mjs (CONFIRM_MIN_RESPONSE_MS=0, attempt limit off)',
  },
  {
    id: 'forgot',
    role: 'product',
    operation: 'forgot',
    entry: 'lambda/forgot-password/index.ts',
    functionName: 'forgot-password',
    note: 'dist/lambda/forgot-password/index.mjs (FORGOT_MIN_RESPONSE_MS=0, attempt limit off)',
  },
  {
    id: 'trigger',
    role: 'product',
    operation: 'trigger',
    entry: 'lambda/post-confirmation/index.ts',
    functionName: 'post-confirmation',
    note: 'dist/lambda/post-confirmation/index.mjs',
  },
  {
    id: 'message',
    role: 'product',
    operation: 'message',
    entry: 'lambda/custom-message/index.ts',
    functionName: 'custom-message',
    note: 'dist/lambda/custom-message/index.mjs (a CustomMessage_ForgotPassword event, German, with the link)',
  },
];

/**
 * The floor each product function is judged against, where it is not the confirm floor: "the
 * least a function can do that makes its remaining calls" (issue 13), for the trigger a sign-out
 * and a hand-off.
 */
export const FLOOR_OF: Readonly<Record<string, string>> = { trigger: 'floor-trigger' };

/** `--experiments`: one change at a time against the shipped confirm function. */
export const EXPERIMENTS: readonly Variant[] = [
  {
    id: 'x-floor+secret',
    role: 'experiment',
    operation: 'confirm',
    entry: 'bench/variants/floor-with-secret.ts',
    note: 'floor + Secrets Manager client prefetching the secret, product options: the SDK minimum of any product',
  },
  {
    id: 'x-primed',
    role: 'experiment',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    adjust: withPrimedCognitoClient,
    note: 'confirm with the Cognito client primed by a dry-run send during the secret fetch',
  },
  {
    id: 'x-secret-first',
    role: 'experiment',
    operation: 'confirm',
    entry: 'bench/experiments/confirm-secret-first.ts',
    adjust: withAwsClientsShim('secret-first-aws-clients'),
    note: 'confirm with the secret fetch imported first, module load held until its request is on the wire, then the rest loaded during its round trip',
  },
  {
    id: 'x-early-secret',
    role: 'experiment',
    operation: 'confirm',
    entry: 'bench/experiments/confirm-early-secret.ts',
    adjust: withAwsClientsShim('early-secret-aws-clients'),
    note: 'confirm with module load held at its end (top-level await) until the secret request reaches the HTTP handler',
  },
  {
    id: 'x-attempt-limit',
    role: 'experiment',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    env: { ATTEMPTS_TABLE_NAME: 'bench-attempts' },
    note: 'confirm with the attempt limit on, as deployed: one DynamoDB UpdateItem before the Cognito call',
  },
  {
    id: 'x-lite',
    role: 'experiment',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    adjust: withLiteObservability,
    note: 'confirm with Powertools Logger and Metrics replaced by ~150 lines of in-house JSON logger and EMF writer',
  },
  {
    id: 'x-esm-builtins',
    role: 'experiment',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    adjust: withEsmBuiltins,
    note: 'confirm with Node built-ins imported as ES modules (node:http loads undici)',
  },
  {
    id: 'x-no-alias',
    role: 'experiment',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    adjust: withDefaultCredentialChain,
    note: 'confirm with the SDK default credential chain (no alias)',
  },
  {
    id: 'x-cjs',
    role: 'experiment',
    operation: 'confirm',
    entry: 'lambda/confirm-forgot-password/index.ts',
    adjust: (options) => withDefaultCredentialChain(withCommonJsEntryPoints(options)),
    note: 'confirm with esbuild default mainFields and no alias (the SDK CommonJS build)',
  },
];
