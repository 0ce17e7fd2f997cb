// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum GitHub-style tokens
// carry. It detects every single-character change and every burst of up to 32 bits, so a
// typo or a truncated key is refused without a store lookup. It is not a MAC: it guards
// against accidents, not forgery (the store lookup does that).

const TABLE: Uint32Array = /* @__PURE__ */ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of the first `end` characters of an ASCII string (each code unit taken as a byte). */
export function crc32Ascii(text: string, end: number): number {
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) crc = TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
