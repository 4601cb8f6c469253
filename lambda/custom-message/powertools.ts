/** The trigger's Powertools logger and metrics: one pair per container. */
import { createObservability } from '../shared/observability';

/** One logger and metrics emitter per container, shared by the trigger's modules. */
export const { logger, metrics } = createObservability('custom-message');
