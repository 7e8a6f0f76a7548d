import { availableSchemas, loadSchema, schemaLocation, type SchemaOrigin } from './load';
import { DEFAULT_SCHEMA_ID } from './source';

export interface SchemaSummary {
  id: string;
  product: string;
  version: string;
  operations: number;
  paths: number;
  /** bundled (built with pvecli) or synced (`pvecli schema sync`; wins over a bundled one of the same id) */
  origin: SchemaOrigin;
  default: boolean;
}

export function schemaSummaries(): SchemaSummary[] {
  return availableSchemas().map((id) => {
    const { product, version, operations, paths } = loadSchema(id).index;
    return { id, product, version, operations, paths, origin: schemaLocation(id)!.origin, default: id === DEFAULT_SCHEMA_ID };
  });
}
