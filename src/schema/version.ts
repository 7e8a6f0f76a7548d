/**
 * Which compiled schema fits a server (DESIGN.md §2): the same product, the same major version when there is one
 * (its newest release not above the server's, else its oldest), else the newest below the server, else the oldest.
 */

/** `9.2.0` → [9, 2, 0]; `6.3-4` → [6, 3, 4]; undefined when it does not start with a number. */
export function versionParts(text: string): number[] | undefined {
  const m = /^\s*(\d+(?:[.-]\d+)*)/.exec(text);
  return m ? m[1].split(/[.-]/).map(Number) : undefined;
}

/** Compares numerically part by part; a missing part counts as 0 (`4` = `4.0`). */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `pve-9.2` → {product: 'pve', version: [9, 2]}. */
export function splitSchemaId(id: string): { product: string; version: number[] } | undefined {
  const m = /^([a-z]+)-(\d+(?:\.\d+)*)$/.exec(id);
  return m ? { product: m[1], version: m[2].split('.').map(Number) } : undefined;
}

export interface SchemaPick {
  id: string;
  /** Why the pick is not the server's own release, in one line; absent when it is. */
  note?: string;
}

/** The schema id for a server's product (`pve`) and `/version` text (`8.4.1`) among the ids available. */
export function pickSchema(product: string, serverVersion: string, available: string[]): SchemaPick | undefined {
  const server = versionParts(serverVersion);
  const mine = available
    .map((id) => ({ id, parsed: splitSchemaId(id) }))
    .filter((s): s is { id: string; parsed: NonNullable<ReturnType<typeof splitSchemaId>> } => s.parsed?.product === product)
    // Equal versions: the more specific id last, so it wins (a synced `pbs-4.0` over the bundled `pbs-4`).
    .sort((a, b) => compareVersions(a.parsed.version, b.parsed.version) || a.id.length - b.id.length);
  if (mine.length === 0) return undefined;
  const newest = mine[mine.length - 1];
  if (!server) return { id: newest.id, note: `version '${serverVersion}' not understood: using the newest ${product} schema` };
  const notAbove = (s: (typeof mine)[number]) => compareVersions(s.parsed.version, server) <= 0;
  const sameMajor = mine.filter((s) => s.parsed.version[0] === server[0]);
  const chosen = sameMajor.length
    ? (sameMajor.filter(notAbove).pop() ?? sameMajor[0])
    : (mine.filter(notAbove).pop() ?? mine[0]);
  const shown = `${product.toUpperCase()} ${server.slice(0, 2).join('.')}`;
  if (compareVersions(server, newest.parsed.version) > 0 && chosen === newest && !covers(chosen.parsed.version, server)) {
    return { id: chosen.id, note: `${shown} is newer than every known schema: using ${chosen.id} ('pvecli schema sync' fetches the server's own)` };
  }
  if (!covers(chosen.parsed.version, server)) return { id: chosen.id, note: `no ${shown} schema: using the nearest, ${chosen.id}` };
  return { id: chosen.id };
}

/** Whether a schema's version names the server's release: `pbs-4` covers 4.1.2, `pve-8.4` covers 8.4.1. */
function covers(schema: number[], server: number[]): boolean {
  return schema.every((part, i) => part === server[i]);
}
