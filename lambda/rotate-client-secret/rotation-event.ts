/**
 * The event Secrets Manager sends a rotation function, checked before any call is made: a
 * malformed event must fail loudly rather than rotate something it did not name.
 */

/** The four steps of a Secrets Manager rotation, in the order it calls them. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** One rotation call: which step, of which secret, for which new version. */
export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

/** Why a rotation step refused to run; Secrets Manager marks the rotation failed. */
export class RotationError extends Error {
  override readonly name = 'RotationError';
}

/**
 * Validates the raw event Secrets Manager passes (any other shape is refused).
 *
 * @example
 * parseRotationEvent({ Step: 'createSecret', SecretId: 'arn:...', ClientRequestToken: 'uuid' })
 */
export function parseRotationEvent(raw: unknown): RotationEvent {
  if (typeof raw !== 'object' || raw === null)
    throw new RotationError('The event is not an object.');
  const { Step, SecretId, ClientRequestToken } = raw as Record<string, unknown>;
  if (typeof Step !== 'string' || !(ROTATION_STEPS as readonly string[]).includes(Step)) {
    throw new RotationError('The event names no known rotation step.');
  }
  if (typeof SecretId !== 'string' || SecretId === '') {
    throw new RotationError('The event names no secret.');
  }
  if (typeof ClientRequestToken !== 'string' || ClientRequestToken === '') {
    throw new RotationError('The event has no ClientRequestToken.');
  }
  return { Step: Step as RotationStep, SecretId, ClientRequestToken };
}
