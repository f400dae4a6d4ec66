/**
 * IPv4/IPv6 addresses and CIDR ranges for the `cidr` modifier, parsed without allocation on the
 * matching path.
 *
 * Decisions (tested in cidr.test.ts):
 * - IPv4 octets with leading zeros are read as decimal (`035.249.253.232` is 35.249.253.232):
 *   CloudTrail exports anonymised by LogLicker pad octets this way; octal would be a silent miss.
 * - IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) match IPv4 ranges, and IPv4 addresses match
 *   IPv6 ranges through the same mapping.
 * - A zone id (`fe80::1%eth0`) is ignored; host bits set in a rule range (`10.1.2.3/8`) are masked.
 */

export interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
  /** Network address, as 4 big-endian 32-bit words (IPv4 in the last word of an IPv4-mapped address). */
  readonly network: Uint32Array;
  readonly mask: Uint32Array;
}

const V4_MAPPED_WORD = 0x0000ffff;

/** Parse `a.b.c.d` between `start` and `end` into an unsigned 32-bit number, or -1. */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let octets = 0;
  let i = start;
  while (i <= end) {
    let digits = 0;
    let octet = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    value = value * 256 + octet;
    octets++;
    if (i === end) break;
    if (s.charCodeAt(i) !== 46 || octets === 4) return -1;
    i++;
  }
  return octets === 4 ? value : -1;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parse an IPv6 address (with `::`, embedded IPv4, optional zone) into 8 groups. */
export function parseIPv6(s: string, groups: Uint16Array): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (end < 2) return false;
  let i = 0;
  let n = 0;
  let gap = -1;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (n >= 8) return false;
    let j = i;
    let v = 0;
    while (j < end) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      if (n > 6) return false;
      const v4 = parseIPv4(s, i, end);
      if (v4 < 0) return false;
      groups[n++] = Math.floor(v4 / 65536);
      groups[n++] = v4 % 65536;
      i = end;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups[n++] = v;
    if (j === end) {
      i = j;
      break;
    }
    if (s.charCodeAt(j) !== 58) return false;
    j++;
    if (j < end && s.charCodeAt(j) === 58) {
      if (gap >= 0) return false;
      gap = n;
      j++;
    } else if (j === end) {
      return false;
    }
    i = j;
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false;
  const tail = n - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[n - 1 - k]!;
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

/** Parse `addr[/prefix]`; returns the range or a message saying what is wrong. */
export function parseCidr(text: string): Cidr | string {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addr = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash < 0 ? undefined : trimmed.slice(slash + 1);
  const network = new Uint32Array(4);
  let family: 4 | 6;
  const v4 = parseIPv4(addr);
  if (v4 >= 0) {
    family = 4;
    network[2] = V4_MAPPED_WORD;
    network[3] = v4;
  } else {
    const groups = new Uint16Array(8);
    if (addr.includes('%') || !parseIPv6(addr, groups)) {
      return `'${text}' is not an IPv4 or IPv6 address or CIDR range (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`;
    }
    family = 6;
    for (let w = 0; w < 4; w++) network[w] = (groups[w * 2]! << 16) | groups[w * 2 + 1]!;
  }
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      return `'${text}' has an invalid prefix length (IPv${family} allows /0 to /${max})`;
    }
    prefix = Number(prefixText);
  }
  // An IPv4 range lives in the last word of the mapped address: its prefix counts from bit 96.
  const bits = family === 4 ? prefix + 96 : prefix;
  const mask = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const wordBits = Math.max(0, Math.min(32, bits - w * 32));
    mask[w] = wordBits === 0 ? 0 : wordBits === 32 ? 0xffffffff : (0xffffffff << (32 - wordBits)) >>> 0;
    network[w] = (network[w]! & mask[w]!) >>> 0;
  }
  return Object.freeze({ family, prefix, network, mask });
}

/** A predicate `address-string → in range`, reusing one scratch buffer (no allocation per call). */
export function cidrMatcher(cidr: Cidr): (address: string) => boolean {
  const groups = new Uint16Array(8);
  const words = new Uint32Array(4);
  const { network, mask } = cidr;
  return (address: string): boolean => {
    const v4 = parseIPv4(address);
    if (v4 >= 0) {
      words[0] = 0;
      words[1] = 0;
      words[2] = V4_MAPPED_WORD;
      words[3] = v4;
    } else if (address.length > 1 && parseIPv6(address, groups)) {
      for (let w = 0; w < 4; w++) words[w] = ((groups[w * 2]! << 16) | groups[w * 2 + 1]!) >>> 0;
    } else {
      return false;
    }
    for (let w = 0; w < 4; w++) if ((words[w]! & mask[w]!) >>> 0 !== network[w]) return false;
    return true;
  };
}
