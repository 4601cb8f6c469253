/**
 * Rotation as Secrets Manager runs it: `RotateSecret` stages a new AWSPENDING version under a
 * token, answers at once, and then invokes the secret's rotation function with `createSecret`,
 * `setSecret`, `testSecret` and `finishSecret` in order, each a synchronous `Invoke` through the
 * local Lambda endpoint. A step that fails ends the rotation:
 * AWSCURRENT stays where it was, AWSPENDING stays on the token's version, and the next
 * `RotateSecret` starts again with a new token (the rotation function cleans up after itself).
 *
 * For tests and demonstrations a fault can be set: while the named step runs, the local
 * Secrets Manager answers the named operation with `InternalServiceError`, as an outage would.
 */

import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ROTATION_STEPS, type RotationStep } from '../lambda/rotate-client-secret/rotation-event';
import { AwsServiceError } from './aws-service-error';

export { ROTATION_STEPS, type RotationStep };

/** What one rotation did. */
export interface RotationRecord {
  readonly secretArn: string;
  readonly token: string;
  readonly startedAt: string;
  /** `running` until it ends. */
  outcome: 'running' | 'succeeded' | 'failed';
  /** The steps that ran to completion. */
  readonly completedSteps: RotationStep[];
  /** The step that failed and why (the error's type only: its message may echo input). */
  failure?: { readonly step: RotationStep; readonly errorType: string };
  endedAt?: string;
}

/** A fault: the local Secrets Manager fails `operation` while `step` runs. */
export interface RotationFault {
  readonly step: RotationStep;
  readonly operation: string;
}

const MAX_RECORDS = 100;

/** Runs rotations of the local secrets, one at a time per secret. */
export class LocalRotation {
  private readonly records: RotationRecord[] = [];
  private running: { readonly secretArn: string; step: RotationStep } | undefined;
  private fault: RotationFault | undefined;

  /**
   * @param lambda a Lambda client for the local Lambda endpoint: each step is a synchronous
   *   `Invoke` of `functionName`, as Secrets Manager makes it.
   */
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The rotations so far, oldest first (`GET /rotations`). */
  history(): readonly RotationRecord[] {
    return this.records;
  }

  /** Sets (or, with `undefined`, clears) the fault. */
  setFault(fault: RotationFault | undefined): void {
    this.fault = fault;
  }

  /**
   * Throws the injected fault when it applies to `operation` now; the local Secrets Manager asks
   * before each operation.
   */
  checkFault(operation: string): void {
    const fault = this.fault;
    if (fault && this.running?.step === fault.step && fault.operation === operation) {
      throw new AwsServiceError(
        'InternalServiceError',
        `Injected fault: ${operation} fails during ${fault.step}.`,
        500,
      );
    }
  }

  /** Refuses a second rotation of a secret while one runs, as Secrets Manager does. */
  assertIdle(secretArn: string): void {
    if (this.running?.secretArn === secretArn) {
      throw new AwsServiceError(
        'InvalidRequestException',
        'A previous rotation isn’t complete. That rotation will be reattempted.',
      );
    }
  }

  /** Starts the steps of a rotation already staged under `token`; resolves when it has ended. */
  run(secretArn: string, token: string): Promise<RotationRecord> {
    const record: RotationRecord = {
      secretArn,
      token,
      startedAt: new Date().toISOString(),
      outcome: 'running',
      completedSteps: [],
    };
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.shift();
    this.running = { secretArn, step: 'createSecret' };
    return this.steps(record).finally(() => {
      this.running = undefined;
      record.endedAt = new Date().toISOString();
      this.log(
        record.outcome === 'succeeded'
          ? `[rotation] ${token}: AWSCURRENT moved to the new secret`
          : `[rotation] ${token}: ${record.failure?.step} failed (${record.failure?.errorType}); AWSCURRENT unchanged`,
      );
    });
  }

  private async steps(record: RotationRecord): Promise<RotationRecord> {
    for (const step of ROTATION_STEPS) {
      if (this.running) this.running.step = step;
      const errorType = await this.invokeStep(step, record);
      if (errorType !== undefined) {
        record.outcome = 'failed';
        record.failure = { step, errorType };
        return record;
      }
      record.completedSteps.push(step);
    }
    record.outcome = 'succeeded';
    return record;
  }

  /** One step through the Invoke API; the function's error type when it failed. */
  private async invokeStep(
    step: RotationStep,
    record: RotationRecord,
  ): Promise<string | undefined> {
    try {
      const answer = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          Payload: JSON.stringify({
            Step: step,
            SecretId: record.secretArn,
            ClientRequestToken: record.token,
          }),
        }),
      );
      if (answer.FunctionError === undefined) return undefined;
      const payload = JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8') || '{}') as {
        errorType?: unknown;
      };
      return typeof payload.errorType === 'string' ? payload.errorType : answer.FunctionError;
    } catch (error) {
      return (error as Error).name;
    }
  }
}
