import { readFileSync } from 'node:fs';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  isGrpcServiceError,
  makeGrpcRetryInterceptor,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type ConnectionOptions,
} from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { SearchAttributeType } from '@temporalio/common';
import { Unavailable } from '../contracts/errors';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/shared';

export interface TemporalTarget {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  /** How long the first connection may take (the SDK's default is 10 s). */
  connectTimeout?: ConnectionOptions['connectTimeout'];
}

function tlsOptions(target: TemporalTarget): ConnectionOptions['tls'] {
  const mtls = target.tlsCertPath && target.tlsKeyPath;
  if (!target.tls && !mtls && !target.tlsCaPath && !target.apiKey) return undefined;
  return {
    serverRootCACertificate: target.tlsCaPath ? readFileSync(target.tlsCaPath) : undefined,
    clientCertPair: mtls
      ? { crt: readFileSync(target.tlsCertPath!), key: readFileSync(target.tlsKeyPath!) }
      : undefined,
  };
}

/** A client connection for the API (and tests); TLS and API key when the target asks for them. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({
    address: target.address,
    tls: tlsOptions(target),
    apiKey: target.apiKey,
    connectTimeout: target.connectTimeout,
  });
  return new Client({ connection, namespace: target.namespace });
}

// grpc status codes meaning the server was not reached or did not answer in time.
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
// ...or that it was reached and is too busy to answer (a rate limit, a workflow's query buffer full).
const GRPC_RESOURCE_EXHAUSTED = 8;

/** How the API's Temporal client bounds its calls (temporal/connection.ts `apiClient`). */
export interface CallBounds {
  /**
   * How long a call keeps being retried while Temporal is unreachable (refused, connection lost),
   * ms: past it the API answers 503. The SDK's own retries took 18 s.
   */
  retryForMs: number;
  /** How long Temporal itself may take to answer a call it got (start, signal, terminate, describe), ms. */
  answerMs: number;
  /**
   * The same for the calls a worker must answer through Temporal (a query, an Update), ms: a busy
   * worker can take seconds, which is slow, not down.
   */
  workerAnswerMs: number;
}

export const API_CALL_BOUNDS: CallBounds = { retryForMs: 1500, answerMs: 1500, workerAnswerMs: 10_000 };

/** The WorkflowService methods whose answer comes from a worker (ExecuteMultiOperation: update-with-start). */
const ANSWERED_BY_WORKER =
  /\/(QueryWorkflow|UpdateWorkflowExecution|PollWorkflowExecutionUpdate|ExecuteMultiOperation)$/;

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * The SDK's retry of calls that met an unavailable server (backing off up to 5 s between ten
 * attempts), stopped once the next attempt would start more than `retryForMs` after the first
 * (other retried failures, from a server that answers, up to the deadline); and a deadline on
 * each call that has none (`answerMs`, or `workerAnswerMs` for a query or Update).
 */
function boundedRetry(bounds: CallBounds): GrpcInterceptor {
  const base = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const startedAt = Date.now();
    const answerMs = ANSWERED_BY_WORKER.test(options.method_definition.path) ? bounds.workerAnswerMs : bounds.answerMs;
    const deadline = options.deadline ?? startedAt + answerMs;
    let delay = 0;
    const retry = makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        if (!base.retryableDecider(attempt, status)) return false;
        delay = base.delayFunction(attempt, status);
        // Unreachable: only for a while. Reachable but busy (RESOURCE_EXHAUSTED: a query buffer
        // full, a rate limit): until the call's deadline, as it will answer.
        const until = new Date(deadline).getTime();
        return (
          Date.now() + delay <
          (status.code === GRPC_UNAVAILABLE ? Math.min(startedAt + bounds.retryForMs, until) : until)
        );
      },
      delayFunction: () => delay,
    });
    return retry({ ...options, deadline }, nextCall);
  };
}

/**
 * The API's client: a Temporal that is down costs a request at most `retryForMs` (then
 * `temporalOutage` turns the error into a 503), one that got the call but does not answer at most
 * the call's deadline; the connection is tried again at least every 5 s, so the API resumes
 * shortly after Temporal does. Connects on first use: the process checked Temporal when it started.
 */
export function apiClient(target: TemporalTarget, bounds: CallBounds = API_CALL_BOUNDS): Client {
  const connection = Connection.lazy({
    address: target.address,
    tls: tlsOptions(target),
    apiKey: target.apiKey,
    interceptors: [boundedRetry(bounds)],
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5000 },
  });
  return new Client({ connection, namespace: target.namespace });
}

/**
 * A Temporal client error that says Temporal is unreachable (refused, dropped, or no answer before
 * the deadline) or too busy to answer, as the domain's `Unavailable`; undefined for any other
 * error (a workflow that does not exist, an Update the workflow refused). The SDK wraps the gRPC
 * error as `cause`.
 */
export function temporalOutage(err: unknown): Unavailable | undefined {
  if (err instanceof Unavailable) return err;
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const code = isGrpcServiceError(e) ? e.code : undefined;
    if (
      e instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      code === GRPC_UNAVAILABLE ||
      code === GRPC_DEADLINE_EXCEEDED
    )
      return new Unavailable('The scheduler (Temporal) is unreachable; try again shortly.', err);
    if (code === GRPC_RESOURCE_EXHAUSTED)
      return new Unavailable('The scheduler (Temporal) is too busy to answer; try again shortly.', err);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * How long a worker's own calls to Temporal may take, outside the SDK's task loop (an asynchronous
 * activity's outcome, a lost worker's publishes failed), ms: the client's default retries keep a
 * call to an unreachable Temporal going for about 20 s.
 */
export const WORKER_CALL_MS = 3_000;

/** `call` (a call through `client`) with a deadline `ms` from now, retries included. */
export function withinMs<R>(client: Client, ms: number, call: () => Promise<R>): Promise<R> {
  return client.connection.withDeadline(Date.now() + ms, call);
}

/** The worker's native connection to the same target. */
export function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ address: target.address, tls: tlsOptions(target), apiKey: target.apiKey });
}

const GRPC_ALREADY_EXISTS = 6;

// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE: Record<string, number> = {
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.KEYWORD_LIST]: 7,
};

/**
 * Registers Chorus's search attributes on a server that lacks them (an existing cluster). The dev
 * server started by Chorus gets them as start flags; on Temporal Cloud, create them in the console.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]!])),
    });
  } catch (err) {
    // Another process registered them first.
    if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
  }
}
