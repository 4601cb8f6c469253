/** The deliver-after-reset function's Powertools logger and metrics: one pair per container. */
import { createObservability } from '../shared/observability';

/** One logger and metrics emitter per container, shared by the function's modules. */
export const { logger, metrics } = createObservability('deliver-after-reset');
