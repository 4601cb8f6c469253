/**
 * Experiment entry: the confirm function split in two. The Secrets Manager client and the
 * secret's fetch load first (`secret-first-aws-clients.ts`); module load waits (top-level await,
 * at most 50 ms) until that request is on its way, and only then evaluates the function itself
 * (Powertools, middy, validation, the Cognito client) behind a dynamic import, which esbuild
 * inlines into the one bundle. The rest of the init then runs during the secret's round trip.
 */
import { secretRequestSent } from './secret-first-aws-clients';

await Promise.race([secretRequestSent, new Promise((resolve) => setTimeout(resolve, 50).unref())]);

export const { handler } = await import('../../lambda/confirm-forgot-password/index');
