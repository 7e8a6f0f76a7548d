import { availableSchemas, loadSchema } from './load';
import { DEFAULT_SCHEMA_ID } from './source';

export interface SchemaSummary {
  id: string;
  product: string;
  version: string;
  operations: number;
  paths: number;
  default: boolean;
}

export function schemaSummaries(): SchemaSummary[] {
  return availableSchemas().map((id) => {
    const { product, version, operations, paths } = loadSchema(id).index;
    return { id, product, version, operations, paths, default: id === DEFAULT_SCHEMA_ID };
  });
}
