import type { Config } from '../config';
import type { TemporalTarget } from './connection';

/** The configured Temporal cluster (TEMPORAL_ADDRESS and its TLS/API-key options). */
export function configuredTemporal(config: Config, address = config.TEMPORAL_ADDRESS): TemporalTarget | undefined {
  if (!address) return undefined;
  return {
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    apiKey: config.TEMPORAL_API_KEY,
    tls: config.TEMPORAL_TLS,
    tlsCertPath: config.TEMPORAL_TLS_CERT_PATH,
    tlsKeyPath: config.TEMPORAL_TLS_KEY_PATH,
    tlsCaPath: config.TEMPORAL_TLS_CA_PATH,
  };
}
