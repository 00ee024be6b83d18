/**
 * The last line of defence for external notices. External text is built from an allowlist of facts
 * (stages.ts ExternalFacts: enums, numbers, times) and fixed phrases, so nothing here should ever
 * match; this scrubber checks the finished subject and body anyway. In strict mode (tests, the drill)
 * a match throws; in production it is replaced and the notice still goes out, the match logged by
 * kind only.
 */

export type LeakKind =
  | 'arn'
  | 'url'
  | 'email'
  | 'hostname'
  | 'ec2-hostname'
  | 'ipv4'
  | 'ipv6'
  | 'account-id'
  | 'resource-id'
  | 'hosted-zone-id'
  | 'uuid'
  | 'hex-id'
  | 'access-key'
  | 'region'
  | 'path'
  | 'error-text'
  | 'token';

export interface Leak {
  kind: LeakKind;
  value: string;
}

/** AWS resource id prefixes (EC2, VPC, EFS, RDS resource ids, ...): `<prefix>-<hex or base32>`. */
const RESOURCE_PREFIXES = [
  'i', 'sg', 'sgr', 'subnet', 'vpc', 'vpce', 'vol', 'snap', 'ami', 'eni', 'igw', 'eigw', 'nat', 'rtb', 'acl', 'eipalloc', 'eipassoc',
  'tgw', 'tgw-attach', 'tgw-rtb', 'pcx', 'lt', 'fs', 'fsap', 'fsmt', 'db', 'cluster', 'dopt', 'pl', 'cgw', 'vgw', 'vpn', 'dx', 'r', 'rs', 'key', 'ni',
];

/** Each kind of thing no outsider should read, most specific first (an ARN before the host inside it). */
const PATTERNS: { kind: LeakKind; pattern: RegExp; accept?: (match: string) => boolean }[] = [
  { kind: 'arn', pattern: /\barn:[^\s"'<>()]*/gi },
  { kind: 'url', pattern: /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s"'<>()]*/gi },
  { kind: 'email', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  { kind: 'ec2-hostname', pattern: /\b(?:ip|ec2)-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b/gi },
  { kind: 'hostname', pattern: /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}\b/gi },
  { kind: 'ipv4', pattern: /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d])/g },
  {
    kind: 'ipv6',
    pattern: /(?<![0-9a-z:])[0-9a-f:]*:[0-9a-f:]*(?![0-9a-z:])/gi,
    // Clock times (10:05, 10:05:30) are not addresses: an IPv6 address has "::" or at least 3 colons.
    accept: (m) => (m.includes('::') || (m.match(/:/g) ?? []).length >= 3) && m.split(':').every((g) => g.length <= 4),
  },
  { kind: 'account-id', pattern: /(?<!\d)\d{12}(?!\d)/g },
  {
    kind: 'resource-id',
    pattern: new RegExp(`\\b(?:${RESOURCE_PREFIXES.join('|')})-[0-9a-z]{6,}\\b`, 'gi'),
    accept: (m) => /\d/.test(m.slice(m.lastIndexOf('-') + 1)),
  },
  { kind: 'hosted-zone-id', pattern: /\bZ[0-9A-Z]{8,31}\b/g },
  { kind: 'uuid', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi },
  { kind: 'hex-id', pattern: /\b[0-9a-f]{16,}\b/gi },
  { kind: 'access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{12,}\b/g },
  { kind: 'region', pattern: /\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:gov-|iso[a-z]?-)?[a-z]+-\d\b/gi },
  { kind: 'path', pattern: /(?:^|(?<=[\s(="'[]))(?:\/[\w.@-]+){2,}/g },
  {
    kind: 'error-text',
    // Error class names, "Error:" prefixes, stack frames, Node errno codes, Python tracebacks.
    pattern: /\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Fault)\b|\b(?:Error|Exception):|\bat\s+[A-Za-z_$][\w.$<>[\]]*\s+\(|\bat\s+(?:file:)?\/[^\s:]+:\d+|\bE[A-Z]{4,}\b|\bTraceback\b|\bstack\s?trace\b/g,
  },
  // Task tokens, keys, base64 blobs: long runs of token characters with letters and digits.
  { kind: 'token', pattern: /[A-Za-z0-9+/_=-]{40,}/g, accept: (m) => /\d/.test(m) && /[A-Za-z]/.test(m) },
];

/** Everything in `text` that looks like an identifier, address or error text, in order of appearance. */
export function findLeaks(text: string): Leak[] {
  const found: { kind: LeakKind; value: string; index: number }[] = [];
  for (const { kind, pattern, accept } of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      if (m[0] === '' || (accept && !accept(m[0]))) continue;
      found.push({ kind, value: m[0], index: m.index });
    }
  }
  return found.sort((a, b) => a.index - b.index).map(({ kind, value }) => ({ kind, value }));
}

/** Thrown in strict mode: an external notice would have said something outsiders must not read. */
export class ExternalLeakError extends Error {
  override readonly name = 'ExternalLeakError';
  readonly kinds: LeakKind[];
  constructor(kinds: LeakKind[]) {
    super(`an external notice matched ${[...new Set(kinds)].join(', ')}: refused`);
    this.kinds = kinds;
  }
}

export const REDACTED = '[…]';

/**
 * Scrubs external text: every match is replaced with `[…]` (repeatedly, until nothing matches).
 * `strict`: throw ExternalLeakError instead (tests and the drill).
 */
export function scrubExternal(text: string, options: { strict?: boolean } = {}): { text: string; leaks: LeakKind[] } {
  const kinds: LeakKind[] = [];
  let out = text;
  for (let pass = 0; pass < 5; pass++) {
    const leaks = findLeaks(out);
    if (leaks.length === 0) break;
    if (options.strict) throw new ExternalLeakError(leaks.map((l) => l.kind));
    kinds.push(...leaks.map((l) => l.kind));
    for (const { value } of leaks.sort((a, b) => b.value.length - a.value.length)) out = out.split(value).join(REDACTED);
  }
  return { text: out, leaks: [...new Set(kinds)] };
}
