/**
 * Request validation with the CLI's own validator (`validateWire` from src/params), so that the mock and the CLI
 * agree on what a valid request is. A validator that throws is a bug: it surfaces as a 500 with its message.
 */
import { validateWire } from '../params';
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';

/** Per-parameter errors ({} when valid), in Proxmox's wording. */
export function validateRequest(schema: Schema, op: Operation, wire: Record<string, unknown>): Record<string, string> {
  return validateWire(schema, op, wire);
}
