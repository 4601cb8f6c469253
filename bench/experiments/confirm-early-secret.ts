/**
 * Experiment entry: the confirm function, with module load held (top-level await, at most 50 ms)
 * until the secret's request is on its way. See `early-secret-aws-clients.ts`.
 */
import { secretRequestSent } from './early-secret-aws-clients';

export { handler } from '../../lambda/confirm-forgot-password/index';

await Promise.race([secretRequestSent, new Promise((resolve) => setTimeout(resolve, 50))]);
