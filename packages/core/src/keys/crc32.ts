// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum GitHub-style tokens
// carry. It detects every single-character change and every burst of up to 32 bits, so a
// typo or a truncated key is refused without a store lookup. It is not a MAC: it guards
// against accidents, not forgery (the store lookup does that).

// Int32Array, not Uint32Array: entries above 2^31 would come back as doubles and push the
// loop off V8's small-integer fast path.
const TABLE: Int32Array = /* @__PURE__ */ (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** The running state before any byte. */
export const CRC32_INIT = -1;

/** Feeds one byte (an ASCII code unit) into a running CRC-32 state. */
export function stepCrc32(crc: number, byte: number): number {
  return TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
}

/** Feeds characters `start` to `end` (exclusive) of an ASCII string into a running state. */
export function updateCrc32Ascii(crc: number, text: string, start: number, end: number): number {
  let c = crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return c;
}

/** The final CRC-32 value (unsigned) of a running state. */
export const finishCrc32 = (crc: number): number => ~crc >>> 0;

/** CRC-32 of the first `end` characters of an ASCII string (each code unit taken as a byte). */
export function crc32Ascii(text: string, end: number): number {
  return finishCrc32(updateCrc32Ascii(CRC32_INIT, text, 0, end));
}
