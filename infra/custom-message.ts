/**
 * The "λ custom-message" box: the CustomMessage trigger that writes the reset-code email in the
 * user's language with the link to the reset page. It needs no AWS permission at all (it calls
 * no service), so its role may write its own log group and nothing else. It does not attach
 * itself to a pool: `PasswordReset` decides that, since a pool may have a CustomMessage trigger
 * of its own.
 */
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { createFunction, type DeployedFunction } from './lambda-function';
import { markTransparent } from './logical-ids';

/** Props of {@link ResetEmail}. */
export interface ResetEmailProps {
  readonly config: PasswordResetConfig;
  /** Directory holding `custom-message/index.mjs`. */
  readonly bundleDir: string;
}

/**
 * The trigger's environment (contract section 5): the reset page, the default locale and the
 * team's texts, exactly as the synth validated them.
 *
 * @example
 * customMessageEnvironment(config) // { DEFAULT_LOCALE: 'en', RESET_PAGE_URL: 'https://app.example.com/reset' }
 */
export function customMessageEnvironment(config: PasswordResetConfig): Record<string, string> {
  return {
    DEFAULT_LOCALE: config.defaultLocale,
    ...(config.resetPageUrl === undefined ? {} : { RESET_PAGE_URL: config.resetPageUrl }),
    ...(Object.keys(config.messageTexts).length === 0
      ? {}
      : { MESSAGE_TEXTS: JSON.stringify(config.messageTexts) }),
  };
}

/** The CustomMessage trigger function, its role and log group. */
export class ResetEmail extends Construct {
  readonly trigger: DeployedFunction;

  constructor(scope: Construct, id: string, props: ResetEmailProps) {
    super(scope, id);
    markTransparent(this);
    this.trigger = createFunction(this, 'CustomMessage', 'custom-message', {
      bundleDir: props.bundleDir,
      config: props.config,
      environment: customMessageEnvironment(props.config),
    });
  }
}
