// Validators behind the detectors: a candidate is reported only when its checksum, numbering
// plan or structure is right, never for its shape alone. All are loops over char codes, no
// regular expressions, so each runs in time linear in its (bounded) input.

/** True for ASCII digits. */
export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** Luhn (mod 10) checksum over a string of ASCII digits. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const prefixNumber = (digits: string, n: number): number => Number(digits.slice(0, n));

/**
 * The card network a number belongs to, by issuer prefix and length (ISO/IEC 7812 ranges as
 * the networks publish them), or undefined when no network issues such numbers.
 */
export function findCardNetwork(digits: string): string | undefined {
  const n = digits.length;
  const p1 = prefixNumber(digits, 1);
  const p2 = prefixNumber(digits, 2);
  const p3 = prefixNumber(digits, 3);
  const p4 = prefixNumber(digits, 4);
  const p6 = prefixNumber(digits, 6);
  if (p1 === 4 && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if (
    (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) &&
    n >= 16 &&
    n <= 19
  )
    return 'discover';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19)
    return 'diners';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return 'maestro';
  if (p4 >= 2200 && p4 <= 2204 && n === 16) return 'mir';
  // UATP (AirPlus and other airline cards): prefix 1, 15 digits.
  if (p1 === 1 && n === 15) return 'uatp';
  return undefined;
}

/** A payment card number: a known network's prefix and length, and a valid Luhn digit. */
export function isCardNumber(digits: string): boolean {
  return findCardNetwork(digits) !== undefined && isLuhnValid(digits);
}

/**
 * US Social Security number rules (SSA): area not 000, 666 or 900-999; group not 00;
 * serial not 0000; plus the numbers the SSA voided after they were published in ads.
 */
export function isSsn(digits: string): boolean {
  if (digits.length !== 9) return false;
  const area = prefixNumber(digits, 3);
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === 0 || serial === 0) return false;
  if (digits === '078051120' || digits === '219099999' || digits === '123456789') return false;
  // A run of one repeated digit is a placeholder, not a number anyone was issued.
  let same = true;
  for (let i = 1; i < 9; i++) if (digits.charCodeAt(i) !== digits.charCodeAt(0)) same = false;
  return !same;
}

/** IBAN length per country (SWIFT IBAN registry). */
// biome-ignore format: a lookup table reads better in rows
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29,
  BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29,
  ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20,
  LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19,
  MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24,
  SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** The registered IBAN length for a two-letter country code, or undefined. */
export const findIbanLength = (country: string): number | undefined => IBAN_LENGTH[country];

/** ISO 13616 check: registered length for the country, then mod-97 of the rearranged number == 1. */
export function isIban(compact: string): boolean {
  const len = IBAN_LENGTH[compact.slice(0, 2)];
  if (len === undefined || compact.length !== len) return false;
  if (!isDigitCode(compact.charCodeAt(2)) || !isDigitCode(compact.charCodeAt(3))) return false;
  let rem = 0;
  for (let k = 0; k < len; k++) {
    const c = compact.charCodeAt((k + 4) % len);
    if (isDigitCode(c)) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

// Country calling codes of two digits (ITU-T E.164 assignments); 1 and 7 are the one-digit
// codes, and every other prefix is a three-digit code.
// biome-ignore format: a lookup table reads better in rows
const TWO_DIGIT_CC = new Set([
  20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55,
  56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
]);
// National significant number lengths [min, max] of the numbering plans we know in detail;
// other codes get the E.164 bounds.
// biome-ignore format: a lookup table reads better in rows
const NSN_LENGTH: Readonly<Record<number, readonly [number, number]>> = {
  1: [10, 10], 7: [10, 10], 20: [9, 10], 27: [9, 9], 30: [10, 10], 31: [9, 9], 32: [8, 9],
  33: [9, 9], 34: [9, 9], 36: [8, 9], 39: [6, 11], 40: [9, 9], 41: [9, 9], 43: [7, 13],
  44: [9, 10], 45: [8, 8], 46: [7, 9], 47: [8, 8], 48: [9, 9], 49: [7, 11], 51: [8, 9],
  52: [10, 10], 54: [10, 11], 55: [10, 11], 56: [9, 9], 57: [10, 10], 60: [8, 10], 61: [9, 9],
  62: [8, 12], 63: [9, 10], 64: [8, 10], 65: [8, 8], 66: [8, 9], 81: [9, 10], 82: [8, 10],
  84: [9, 10], 86: [10, 11], 90: [10, 10], 91: [10, 10], 92: [9, 10], 353: [7, 9],
  351: [9, 9], 358: [6, 10], 972: [8, 9], 971: [8, 9], 966: [9, 9], 234: [8, 10],
  254: [9, 9], 852: [8, 8], 886: [8, 9],
};

/** NANP (+1): area code and exchange start 2-9 and are not N11 service codes. */
export function isNanpNumber(ten: string): boolean {
  if (ten.length !== 10) return false;
  const a = ten.charCodeAt(0);
  const e = ten.charCodeAt(3);
  if (a < 50 || e < 50) return false;
  if (ten.charCodeAt(1) === 49 && ten.charCodeAt(2) === 49) return false;
  if (ten.charCodeAt(4) === 49 && ten.charCodeAt(5) === 49) return false;
  return true;
}

/**
 * An international number (digits after the `+`): a country calling code that exists and a
 * national number whose length fits that country's plan (NANP numbers checked in full).
 */
export function isInternationalPhone(digits: string): boolean {
  if (digits.length < 8 || digits.length > 15) return false;
  const d0 = digits.charCodeAt(0) - 48;
  if (d0 === 0) return false;
  let ccLen: number;
  if (d0 === 1 || d0 === 7) ccLen = 1;
  else if (TWO_DIGIT_CC.has(prefixNumber(digits, 2))) ccLen = 2;
  else ccLen = 3;
  const cc = prefixNumber(digits, ccLen);
  const nsn = digits.slice(ccLen);
  const bounds = NSN_LENGTH[cc] ?? [6, 12];
  if (nsn.length < bounds[0] || nsn.length > bounds[1]) return false;
  if (cc === 1) return isNanpNumber(nsn);
  // Italy keeps the leading 0 of landlines in the international form; nobody else does.
  return nsn.charCodeAt(0) !== 48 || cc === 39;
}

/** A national number written with a trunk prefix (0 then a non-zero digit), 10 or 11 digits. */
export function isTrunkNationalPhone(digits: string): boolean {
  return (
    (digits.length === 10 || digits.length === 11) &&
    digits.charCodeAt(0) === 48 &&
    digits.charCodeAt(1) !== 48
  );
}

/** Parses an IPv4 dotted quad strictly (no leading zeros, each part 0-255). */
export function isIpv4(text: string): boolean {
  let parts = 0;
  let i = 0;
  const n = text.length;
  while (i <= n) {
    const s = i;
    let v = 0;
    while (i < n && isDigitCode(text.charCodeAt(i))) {
      v = v * 10 + text.charCodeAt(i) - 48;
      i++;
    }
    const len = i - s;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && text.charCodeAt(s) === 48)) return false;
    parts++;
    if (i === n) break;
    if (text.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
  }
  return parts === 4;
}

/** True for ASCII hex digits (either case). */
export const isHexCode = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Parses an IPv6 address (RFC 4291 text forms: full, `::`-compressed, IPv4-embedded tail),
 * without zone or prefix length.
 */
export function isIpv6(text: string): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  let groups = 0;
  let compressed = false;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    compressed = true;
    i = 2;
    if (i === n) return true;
  }
  while (i < n) {
    const s = i;
    while (i < n && isHexCode(text.charCodeAt(i)) && i - s < 5) i++;
    const len = i - s;
    if (i < n && text.charCodeAt(i) === 46) {
      // An IPv4 tail takes the place of the last two groups.
      if (!isIpv4(text.slice(s))) return false;
      groups += 2;
      i = n;
      break;
    }
    if (len === 0 || len > 4) return false;
    groups++;
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (compressed) return false;
      compressed = true;
      i++;
      if (i === n) break;
    } else if (i === n) {
      return false;
    }
  }
  return compressed ? groups <= 7 : groups === 8;
}

/** True for base62 characters. */
export const isBase62Code = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
