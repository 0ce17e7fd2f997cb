// TLS settings for Node's https/tls servers and clients as plain data: TLS 1.2 as the floor,
// only forward-secret AEAD suites, certificate verification on. No `node:` import: the
// objects are passed to `https.createServer(...)` / `https.request(...)` by the caller.

/** A PEM string or its bytes (a Node Buffer is a Uint8Array). */
export type PemInput = string | Uint8Array;

/** Lowest protocol version accepted. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

/** Options of {@link createTlsOptions}. */
export interface TlsServerOptionsInput {
  /** The server certificate chain (PEM). */
  readonly cert: PemInput | readonly PemInput[];
  /** The private key (PEM). */
  readonly key: PemInput;
  /**
   * CA certificates for client certificates (mutual TLS). When set, every client must
   * present a certificate that chains to one of them; connections without are refused.
   */
  readonly clientCa?: PemInput | readonly PemInput[] | undefined;
  /** Default `TLSv1.2`; `TLSv1.3` when every client supports it. */
  readonly minVersion?: TlsMinVersion | undefined;
}

/** What {@link createTlsOptions} returns: a subset of Node's `https.ServerOptions`. */
export interface TlsServerOptions {
  readonly minVersion: TlsMinVersion;
  readonly ciphers: string;
  readonly honorCipherOrder: true;
  readonly ecdhCurve: string;
  readonly cert: PemInput | PemInput[];
  readonly key: PemInput;
  readonly ca?: PemInput | PemInput[];
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

/** Options of {@link createTlsClientOptions}. */
export interface TlsClientOptionsInput {
  /** Extra CAs to trust (e.g. a private CA); by default Node's bundled roots. */
  readonly ca?: PemInput | readonly PemInput[] | undefined;
  /** Client certificate and key for mutual TLS. */
  readonly cert?: PemInput | undefined;
  readonly key?: PemInput | undefined;
  /** Server name for SNI and for the hostname check (default: the host connected to). */
  readonly servername?: string | undefined;
  readonly minVersion?: TlsMinVersion | undefined;
}

/** What {@link createTlsClientOptions} returns: a subset of Node's `https.RequestOptions`. */
export interface TlsClientOptions {
  readonly minVersion: TlsMinVersion;
  readonly ciphers: string;
  readonly ecdhCurve: string;
  /** Always true: the server certificate and host name are verified. */
  readonly rejectUnauthorized: true;
  readonly ca?: PemInput | PemInput[];
  readonly cert?: PemInput;
  readonly key?: PemInput;
  readonly servername?: string;
}

/**
 * TLS 1.3 suites (all AEAD with ephemeral key exchange), then TLS 1.2 ECDHE suites with
 * AES-GCM or ChaCha20-Poly1305. No CBC, no RSA key exchange, no DHE (slow, and weak
 * groups are common), nothing without forward secrecy.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

const CURVES = 'X25519:P-256:P-384';

function checkMinVersion(v: unknown, where: string): TlsMinVersion {
  if (v === undefined) return 'TLSv1.2';
  if (v !== 'TLSv1.2' && v !== 'TLSv1.3') {
    throw new TypeError(
      `${where}: minVersion must be 'TLSv1.2' or 'TLSv1.3'; TLS 1.0 and 1.1 are broken and refused.`,
    );
  }
  return v;
}

const isPem = (v: unknown): v is PemInput => typeof v === 'string' || v instanceof Uint8Array;

function list(v: PemInput | readonly PemInput[]): PemInput | PemInput[] {
  return Array.isArray(v) ? [...(v as readonly PemInput[])] : (v as PemInput);
}

/**
 * Options for a Node https/tls server: TLS 1.2 floor, forward-secret AEAD ciphers only,
 * server cipher order, and, with `clientCa`, required and verified client certificates.
 * The Python guide's `check_hostname=False` / `CERT_NONE` has no equivalent here.
 *
 * @param input - certificate chain, key, optional client CA, optional TLS 1.3 floor.
 * @returns plain options to spread into `https.createServer(options, app)`.
 * @throws TypeError when cert or key is missing or minVersion is below TLS 1.2.
 * @example
 * ```ts
 * // In a Node server; the options are plain data, so core itself needs nothing from Node.
 * const { createServer } = await import('node:https');
 * const { readFileSync } = await import('node:fs');
 * createServer(createTlsOptions({ cert: readFileSync('cert.pem'), key: readFileSync('key.pem') }), app).listen(443);
 * ```
 */
export function createTlsOptions(input: TlsServerOptionsInput): TlsServerOptions {
  const where = 'createTlsOptions';
  if (!input || typeof input !== 'object') throw new TypeError(`${where}: pass { cert, key }.`);
  const certs = Array.isArray(input.cert) ? input.cert : [input.cert];
  if (certs.length === 0 || !certs.every(isPem))
    throw new TypeError(`${where}: cert must be PEM text or bytes.`);
  if (!isPem(input.key)) throw new TypeError(`${where}: key must be PEM text or bytes.`);
  const minVersion = checkMinVersion(input.minVersion, where);
  const base = {
    minVersion,
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true as const,
    ecdhCurve: CURVES,
    cert: list(input.cert),
    key: input.key,
  };
  if (input.clientCa === undefined)
    return { ...base, requestCert: false, rejectUnauthorized: false };
  const cas = Array.isArray(input.clientCa) ? input.clientCa : [input.clientCa];
  if (cas.length === 0 || !cas.every(isPem))
    throw new TypeError(`${where}: clientCa must be PEM text or bytes.`);
  return { ...base, ca: list(input.clientCa), requestCert: true, rejectUnauthorized: true };
}

/**
 * Options for outgoing Node https/tls connections: verification always on (certificate
 * chain and host name), TLS 1.2 floor, the same cipher list.
 *
 * @param input - extra CAs, a client certificate for mutual TLS, SNI name.
 * @returns plain options to spread into `https.request(url, options)` or `new https.Agent(options)`.
 * @throws TypeError when only one of cert/key is given or minVersion is below TLS 1.2.
 * @example
 * ```ts
 * const agent = new https.Agent(createTlsClientOptions({ ca: readFileSync('internal-ca.pem') }));
 * ```
 */
export function createTlsClientOptions(input: TlsClientOptionsInput = {}): TlsClientOptions {
  const where = 'createTlsClientOptions';
  const minVersion = checkMinVersion(input.minVersion, where);
  if ((input.cert === undefined) !== (input.key === undefined)) {
    throw new TypeError(`${where}: pass both cert and key for a client certificate, or neither.`);
  }
  const out: {
    -readonly [K in keyof TlsClientOptions]: TlsClientOptions[K];
  } = { minVersion, ciphers: TLS_CIPHERS, ecdhCurve: CURVES, rejectUnauthorized: true };
  if (input.ca !== undefined) out.ca = list(input.ca);
  if (input.cert !== undefined) out.cert = input.cert;
  if (input.key !== undefined) out.key = input.key;
  if (input.servername !== undefined) out.servername = input.servername;
  return out;
}
