// A minimal .tgz writer (ustar + gzip) for broken-package fixtures, so a check can be shown to
// fail through the same tarball path the real packages take.
import { gzipSync } from 'node:zlib';

function header(name: string, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (offset: number, length: number, text: string) => {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > length) throw new RangeError(`tar field too long: ${text}`);
    h.set(bytes, offset);
  };
  const octal = (n: number, length: number) => `${n.toString(8).padStart(length - 1, '0')}\0`;
  put(0, 100, name);
  put(100, 8, octal(0o644, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(0, 12));
  put(148, 8, '        '); // checksum counted as spaces
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** A gzipped tarball with each file under `package/`, as `npm pack` lays it out. */
export function makeTarball(files: Record<string, string>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [path, text] of Object.entries(files)) {
    const data = new TextEncoder().encode(text);
    parts.push(header(`package/${path}`, data.length), data);
    const pad = (512 - (data.length % 512)) % 512;
    parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024)); // two empty blocks end the archive
  const total = parts.reduce((a, p) => a + p.length, 0);
  const tar = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    tar.set(p, offset);
    offset += p.length;
  }
  return new Uint8Array(gzipSync(tar));
}
