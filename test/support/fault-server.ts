/**
 * A loopback HTTP server that speaks just enough of the AWS JSON 1.1 and REST-JSON protocols to
 * stand in for one AWS service, and misbehaves on command. Tests use it instead of a client mock
 * wherever the behaviour under test lives below the SDK's API: timeouts, retries, connection
 * handling and response parsing only happen on a real socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendJson } from '../../local/http-util';

/** How the server answers one request. */
export type Fault =
  /** The service's normal answer (the operation's responder). */
  | { readonly kind: 'ok' }
  /** The normal answer after a delay. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Reads the request and never answers; the socket stays open until the client gives up. */
  | { readonly kind: 'hang' }
  /** Sends the status line, headers and half of a normal body, then resets the connection. */
  | { readonly kind: 'reset' }
  /** An AWS error document (`__type`, `message`) with this HTTP status. */
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly type: string;
      readonly message?: string;
    }
  /** An arbitrary body, e.g. malformed JSON or a proxy's HTML error page. */
  | {
      readonly kind: 'raw';
      readonly status: number;
      readonly body: string;
      readonly contentType?: string;
    }
  /** A complete HTTP response whose JSON body is cut off part-way. */
  | { readonly kind: 'truncated' }
  /** Headers at once, then the normal body one byte per interval (defeats socket idle timeouts). */
  | { readonly kind: 'drip'; readonly intervalMs: number };

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly operation: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly rawBody: string;
  readonly at: number;
}

/** The normal answer to one operation. */
export interface Answer {
  readonly status?: number;
  readonly body: unknown;
}

export type Responder = (request: RecordedRequest) => Answer | Promise<Answer>;

export interface FaultServerOptions {
  /** Names the operation of a request (e.g. from `X-Amz-Target`); `undefined` answers 404. */
  readonly operationOf: (request: IncomingMessage) => string | undefined;
  readonly responders: Readonly<Record<string, Responder>>;
  /** `Content-Type` of normal answers. */
  readonly contentType: string;
}

interface Rule {
  readonly operation: string;
  readonly fault: Fault;
  remaining: number;
}

/**
 * @example
 * const cognito = await startFaultServer(cognitoOptions());
 * cognito.inject('ForgotPassword', { kind: 'hang' });
 * // ... invoke the handler, then:
 * expect(cognito.count('ForgotPassword')).toBeLessThanOrEqual(3);
 */
export class FaultServer {
  readonly #options: FaultServerOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #requests: RecordedRequest[] = [];
  #rules: Rule[] = [];
  #responders: Record<string, Responder>;
  #port = 0;
  #refusing = false;
  #pending = 0;

  constructor(options: FaultServerOptions) {
    this.#options = options;
    this.#responders = { ...options.responders };
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server.keepAliveTimeout = 5_000;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on a free loopback port. */
  async start(): Promise<this> {
    await this.#listen(0);
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /** `http://127.0.0.1:<port>`: the value for an `AWS_ENDPOINT_URL_*` variable. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Every request so far, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Requests for one operation (or all) so far. */
  count(operation?: string): number {
    return operation
      ? this.#requests.filter((request) => request.operation === operation).length
      : this.#requests.length;
  }

  /** Connections currently open to this server (a hung request the client abandoned closes). */
  get openConnections(): number {
    return this.#sockets.size;
  }

  /**
   * Requests neither answered nor abandoned yet: after a handler answered, a non-zero count means
   * it left a call to this service running (a hang or a drip it did not cancel).
   */
  get pendingRequests(): number {
    return this.#pending;
  }

  /**
   * Answers the next `times` requests of `operation` (`'*'`: any) with `fault`; without `times`,
   * every request until {@link clear}.
   */
  inject(operation: string, fault: Fault, times = Number.POSITIVE_INFINITY): void {
    this.#rules.push({ operation, fault, remaining: times });
  }

  /** Replaces the normal answer of one operation (e.g. per-user latency, a Cognito error by user). */
  respond(operation: string, responder: Responder): void {
    this.#responders[operation] = responder;
  }

  /** Back to normal answers, with the request log emptied. */
  clear(): void {
    this.#rules = [];
    this.#responders = { ...this.#options.responders };
    this.#requests.length = 0;
  }

  /**
   * The outage is over: normal answers again, and connections held by a hang or a drip are
   * dropped, as a recovered endpoint's would be.
   */
  async recover(): Promise<void> {
    await this.accept();
    this.clear();
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Stops listening so that connections are refused (ECONNREFUSED), keeping the port. */
  async refuse(): Promise<void> {
    if (this.#refusing) return;
    this.#refusing = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port after {@link refuse}. */
  async accept(): Promise<void> {
    if (!this.#refusing) return;
    await this.#listen(this.#port);
    this.#refusing = false;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    if (this.#refusing) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.#pending += 1;
    response.once('close', () => {
      this.#pending -= 1;
    });
    const rawBody = await readBody(request);
    const operation = this.#options.operationOf(request);
    if (operation === undefined) {
      sendJson(response, 404, { __type: 'UnknownOperationException' }, this.#options.contentType);
      return;
    }
    const recorded: RecordedRequest = {
      operation,
      headers: request.headers,
      body: parseJson(rawBody),
      rawBody,
      at: performance.now(),
    };
    this.#requests.push(recorded);
    const fault = this.#takeFault(operation);
    try {
      await this.#answer(fault, recorded, response);
    } catch {
      if (!response.headersSent) response.destroy();
    }
  }

  #takeFault(operation: string): Fault {
    const rule = this.#rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.operation === operation || candidate.operation === '*'),
    );
    if (!rule) return { kind: 'ok' };
    rule.remaining -= 1;
    return rule.fault;
  }

  async #answer(fault: Fault, request: RecordedRequest, response: ServerResponse): Promise<void> {
    const contentType = this.#options.contentType;
    switch (fault.kind) {
      case 'hang':
        return;
      case 'error':
        response.setHeader('x-amzn-ErrorType', fault.type);
        sendJson(
          response,
          fault.status,
          { __type: fault.type, message: fault.message ?? `${fault.type} (injected)` },
          contentType,
        );
        return;
      case 'raw':
        response.writeHead(fault.status, { 'Content-Type': fault.contentType ?? contentType });
        response.end(fault.body);
        return;
      case 'latency':
        await delay(fault.ms);
        break;
      default:
        break;
    }
    const answer = await this.#normalAnswer(request);
    const body = JSON.stringify(answer.body);
    const status = answer.status ?? 200;
    if (fault.kind === 'reset') {
      response.writeHead(status, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(body),
      });
      response.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      setTimeout(() => response.socket?.resetAndDestroy(), 5).unref();
      return;
    }
    if (fault.kind === 'truncated') {
      const cut = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
      response.writeHead(status, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(cut),
      });
      response.end(cut);
      return;
    }
    if (fault.kind === 'drip') {
      // Valid JSON padded with whitespace, so that even a two-byte answer drips for long enough.
      drip(response, status, contentType, `${body}${' '.repeat(400)}`, fault.intervalMs);
      return;
    }
    sendJson(response, status, answer.body, contentType);
  }

  async #normalAnswer(request: RecordedRequest): Promise<Answer> {
    const responder = this.#responders[request.operation];
    return responder ? responder(request) : { status: 200, body: {} };
  }
}

/** Starts a fault server; see {@link FaultServer}. */
export function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  return new FaultServer(options).start();
}

function drip(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  intervalMs: number,
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  });
  response.flushHeaders();
  let index = 0;
  const timer = setInterval(() => {
    if (response.destroyed || index >= body.length) {
      clearInterval(timer);
      if (!response.destroyed) response.end();
      return;
    }
    response.write(body.charAt(index));
    index += 1;
  }, intervalMs);
  timer.unref();
  response.on('close', () => clearInterval(timer));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
