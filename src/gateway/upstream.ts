import type { ResolvedPath } from '../schema/load';
import type { Reply, ServerRequest } from '../server';
import type { Access } from './access';
import type { ApiRequest } from './request';

/** Where validated requests go: the in-process mock, or a real Proxmox through the HTTP core. */
export interface Upstream {
  /** The request, already validated, with the client's credentials (`own`) or the gateway's (`gateway`). */
  forward(req: ServerRequest, api: ApiRequest, resolved: ResolvedPath, access: Access): Promise<Reply>;
  /** Whether the upstream answers at all (any HTTP reply counts). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}
