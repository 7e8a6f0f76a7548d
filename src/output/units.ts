/** Human-readable values, like the Proxmox GUI and pvesh's --human-readable. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const sign = n < 0 ? '-' : '';
  return i === 0 ? `${sign}${v} B` : `${sign}${v.toFixed(2)} ${BYTE_UNITS[i]}`;
}

/** 93784 → '1d 2h 3m 4s' (largest units first, zero units dropped). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  let s = Math.round(seconds);
  if (s === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.join(' ');
}

/** Unix epoch seconds → 'YYYY-MM-DD HH:MM:SS' in UTC (stable across machines and in tests). */
export function formatTimestamp(epoch: number): string {
  if (!Number.isFinite(epoch)) return String(epoch);
  return new Date(epoch * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Proxmox renderer names (return-schema `renderer`) and well-known keys → a formatter. */
export type Humaniser = (value: number) => string;

const RENDERERS: Record<string, Humaniser> = {
  bytes: formatBytes,
  duration: formatDuration,
  timestamp: formatTimestamp,
  fraction_as_percentage: formatPercent,
};

const KNOWN_KEYS: Record<string, Humaniser> = {
  mem: formatBytes,
  maxmem: formatBytes,
  disk: formatBytes,
  maxdisk: formatBytes,
  swap: formatBytes,
  maxswap: formatBytes,
  netin: formatBytes,
  netout: formatBytes,
  diskread: formatBytes,
  diskwrite: formatBytes,
  size: formatBytes,
  used: formatBytes,
  avail: formatBytes,
  total: formatBytes,
  free: formatBytes,
  uptime: formatDuration,
  cpu: formatPercent,
  starttime: formatTimestamp,
  endtime: formatTimestamp,
  ctime: formatTimestamp,
  time: formatTimestamp,
};

export function humaniserFor(key: string, renderer?: string): Humaniser | undefined {
  // Own keys only: API data may have a column called `constructor` or `toString`.
  if (renderer && Object.hasOwn(RENDERERS, renderer)) return RENDERERS[renderer];
  return Object.hasOwn(KNOWN_KEYS, key) ? KNOWN_KEYS[key] : undefined;
}
