/**
 * Experiment entry: the confirm function with the secret's fetch imported first. The shim's
 * top-level await (`secret-first-aws-clients.ts`) holds the evaluation of everything imported
 * after it until the secret's request is on its way, so Powertools, middy, validation and the
 * handler's own modules load during the secret's round trip. esbuild keeps the scope-hoisted
 * single module (no lazy wrappers): the await simply sits between the modules.
 */
import './secret-first-aws-clients';

export { handler } from '../../lambda/confirm-forgot-password/index';
