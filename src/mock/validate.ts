/**
 * Request validation as Proxmox VE's JSONSchema does it, with its messages (pve-params.ts). The CLI's own
 * pre-send check (src/params) keeps its wording; this is what the mock answers on the wire.
 */
import type { Operation } from '../schema/types';
import { pveParamErrors } from './pve-params';

/** Per-parameter errors ({} when valid), in Proxmox's wording. */
export function validateRequest(op: Operation, wire: Record<string, unknown>): Record<string, string> {
  return pveParamErrors(op, wire);
}
