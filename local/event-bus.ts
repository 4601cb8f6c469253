/**
 * EventBridge `PutEvents` for one custom bus, keeping every accepted event as a rule target
 * would receive it, so the `eventsUrl` endpoint shows exactly what a subscriber would get.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-service-error';
import { keepNewest, RECORD_CAP } from './bounded';

/** An event as EventBridge delivers it to a rule target. */
export interface DeliveredEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

interface EntryResult {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** One local event bus (plus `default`, which accepts events as the real account would). */
export class LocalEventBus {
  private readonly delivered: DeliveredEvent[] = [];
  private readonly listeners: ((event: DeliveredEvent) => void)[] = [];

  constructor(
    readonly busName: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** The bus ARN, as the handlers' environment may name it. */
  get busArn(): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${this.busName}`;
  }

  /** The accepted events, oldest first (the newest {@link RECORD_CAP}). */
  events(): readonly DeliveredEvent[] {
    return this.delivered;
  }

  /** Calls `listener` for each event accepted from now on. */
  onEvent(listener: (event: DeliveredEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Runs one operation of the JSON protocol; throws {@link AwsServiceError} as the service does. */
  handle(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    if (operation !== 'PutEvents') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsServiceError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const results = entries.map((entry: unknown) => this.accept(entry));
    return {
      FailedEntryCount: results.filter((result) => result.ErrorCode).length,
      Entries: results,
    };
  }

  private accept(entry: unknown): EntryResult {
    if (typeof entry !== 'object' || entry === null) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is not an object.' };
    }
    const fields = entry as Record<string, unknown>;
    const bus = typeof fields.EventBusName === 'string' ? fields.EventBusName : 'default';
    if (bus !== this.busName && bus !== this.busArn && bus !== 'default') {
      return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    }
    const { Source: source, DetailType: detailType, Detail: detailText } = fields;
    if (typeof source !== 'string' || source.length === 0) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' };
    }
    if (typeof detailType !== 'string' || detailType.length === 0) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid.' };
    }
    let detail: unknown;
    try {
      detail = typeof detailText === 'string' ? JSON.parse(detailText) : undefined;
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const time =
      typeof fields.Time === 'number'
        ? new Date(fields.Time * 1000)
        : typeof fields.Time === 'string'
          ? new Date(fields.Time)
          : new Date();
    const event: DeliveredEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: this.accountId,
      time: (Number.isNaN(time.getTime()) ? new Date() : time)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: Array.isArray(fields.Resources)
        ? fields.Resources.filter((r): r is string => typeof r === 'string')
        : [],
      detail,
    };
    if (bus !== 'default') {
      this.delivered.push(event);
      keepNewest(this.delivered, RECORD_CAP);
      for (const listener of this.listeners) listener(event);
    }
    return { EventId: event.id };
  }
}
