/**
 * The package's CDK entry point: the `PasswordReset` construct for your own app, its props,
 * the box constructs it is made of, and the stand-alone stack.
 */
export { AfterReset, type AfterResetProps } from './after-reset';
export { AfterResetDelivery, type AfterResetDeliveryProps } from './after-reset-delivery';
export { MAX_RETRY_HOURS, maxReceiveCount } from './after-reset-retry';
export { ResetAlarms } from './alarms';
export { ApiFunctions, type ApiFunctionsProps } from './api-functions';
export { ResetAppClient, type ResetAppClientProps } from './app-client';
export { ConfigurationError, type PasswordResetConfig, type ThreatProtection } from './config';
export { customMessageEnvironment, ResetEmail, type ResetEmailProps } from './custom-message';
export type { DeployedFunction } from './lambda-function';
export {
  PasswordReset,
  type PasswordResetOptions,
  type PasswordResetProps,
} from './password-reset';
export { PasswordResetStack, type PasswordResetStackProps } from './password-reset-stack';
export { ResetApi, type ResetApiProps } from './rest-api';
export { EVENT_DETAIL_TYPE, EVENT_SOURCE, METRICS_NAMESPACE } from './settings';
export { ResetUserPool, type ResetUserPoolProps } from './user-pool';
export { ResetWebAcl } from './web-acl';
