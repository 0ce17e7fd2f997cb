export type {
  PemInput,
  TlsClientOptions,
  TlsClientOptionsInput,
  TlsMinVersion,
  TlsServerOptions,
  TlsServerOptionsInput,
} from './create-tls-options.js';
export { createTlsClientOptions, createTlsOptions, TLS_CIPHERS } from './create-tls-options.js';
