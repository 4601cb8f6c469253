/** The trigger's Powertools logger, metrics and tracer: one set per container. */
import { createObservability } from '../shared/observability';

/** One logger, metrics emitter and tracer per container, shared by the trigger's modules. */
export const { logger, metrics, tracer } = createObservability('post-confirmation');
