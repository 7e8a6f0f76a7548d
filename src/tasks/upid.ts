/**
 * A Proxmox task id, decoded: UPID:node:pid:pstart:starttime:type:id:user: (pid, pstart, starttime in hex); Backup
 * Server and Datacenter Manager put a task counter between pstart and starttime (UPID:node:pid:pstart:task:starttime:…).
 */
export interface Upid {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  /** Unix epoch seconds */
  starttime: number;
  type: string;
  id: string;
  user: string;
}

const UPID_RE = /^UPID:([a-zA-Z0-9][a-zA-Z0-9.-]*):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):(?:[0-9A-Fa-f]{8,16}:)?([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;

export function isUpid(value: unknown): value is string {
  return typeof value === 'string' && UPID_RE.test(value);
}

/** A string that is not a UPID; the CLI reports it as a usage error. */
export class MalformedUpid extends Error {
  constructor(readonly text: string) {
    super(`malformed UPID '${text}'`);
    this.name = 'MalformedUpid';
  }
}

export function parseUpid(upid: string): Upid {
  const m = UPID_RE.exec(upid.trim());
  if (!m) throw new MalformedUpid(upid);
  return {
    upid: upid.trim(),
    node: m[1],
    pid: parseInt(m[2], 16),
    pstart: parseInt(m[3], 16),
    starttime: parseInt(m[4], 16),
    type: m[5],
    id: m[6],
    user: m[7],
  };
}

/** API path of a task resource: /nodes/{node}/tasks/{upid}/status|log */
export function taskPath(upid: Upid, leaf: 'status' | 'log' | ''): string {
  // Raw segments: the HTTP core percent-encodes what a path may not hold.
  const base = `/nodes/${upid.node}/tasks/${upid.upid}`;
  return leaf ? `${base}/${leaf}` : base;
}

