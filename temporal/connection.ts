import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { SearchAttributeType } from '@temporalio/common';
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
