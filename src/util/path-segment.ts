/** Characters RFC 3986 allows unescaped in a path segment (pchar), so UPIDs and user@realm stay readable. */
const NEEDS_ESCAPE = /%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@%]|%/gu;

/**
 * Percent-encodes one path segment. Escapes already present (%2F) are kept, so a path that was encoded once —
 * by the user or by path resolution — is never encoded twice; a '/' inside a value (a volume ID such as
 * `local:iso/debian.iso`) becomes %2F.
 */
export function encodePathSegment(segment: string): string {
  return segment.replace(NEEDS_ESCAPE, (m) => (m.length === 3 && m[0] === '%' ? m : encodeURIComponent(m)));
}
