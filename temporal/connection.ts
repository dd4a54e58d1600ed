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

/** How long one call of the API's Temporal client may take before the API answers 503 (ms). */
export const API_CALL_TIMEOUT_MS = 1500;

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * The SDK's retry of calls that met an unavailable server (backing off up to 5 s between ten
 * attempts, 18 s in all), bounded by a deadline: each call gets `timeoutMs` unless it has a
 * deadline already, and is not tried again when the next attempt would start after it.
 */
function boundedRetry(timeoutMs: number): GrpcInterceptor {
  const base = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const deadline = options.deadline === undefined ? Date.now() + timeoutMs : new Date(options.deadline).getTime();
    let delay = 0;
    const retry = makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        if (!base.retryableDecider(attempt, status)) return false;
        delay = base.delayFunction(attempt, status);
        return Date.now() + delay < deadline;
      },
      delayFunction: () => delay,
    });
    return retry({ ...options, deadline }, nextCall);
  };
}

/**
 * The API's client: every call has a deadline (`callTimeoutMs`, retries included), so a Temporal
 * that is down or unreachable costs a request at most that long (then `temporalOutage` turns the
 * error into a 503), and the connection is tried again at least every 5 s, so the API resumes
 * shortly after Temporal does. Connects on first use: the process checked Temporal when it started.
 */
export function apiClient(target: TemporalTarget, callTimeoutMs = API_CALL_TIMEOUT_MS): Client {
  const connection = Connection.lazy({
    address: target.address,
    tls: tlsOptions(target),
    apiKey: target.apiKey,
    interceptors: [boundedRetry(callTimeoutMs)],
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5000 },
  });
  return new Client({ connection, namespace: target.namespace });
}

// grpc status codes meaning the server was not reached or did not answer in time.
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * A Temporal client error that says Temporal is unreachable (refused, dropped, or no answer before
 * the deadline), as the domain's `Unavailable`; undefined for any other error (a workflow that does
 * not exist, an Update the workflow refused). The SDK wraps the gRPC error as `cause`.
 */
export function temporalOutage(err: unknown): Unavailable | undefined {
  if (err instanceof Unavailable) return err;
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const unreachable =
      e instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED));
    if (unreachable) return new Unavailable('The scheduler (Temporal) is unreachable; try again shortly.', err);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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
