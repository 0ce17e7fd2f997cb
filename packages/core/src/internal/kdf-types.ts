/** scrypt cost parameters (RFC 7914) and output length in bytes. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelization. */
  readonly p: number;
  /** Output length in bytes. */
  readonly dkLen: number;
}
