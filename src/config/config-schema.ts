/**
 * The config file's shape as JSON Schema, made from PROFILE_KEYS: the one description the validator is generated
 * from (config-validator.ts). A key's text forms ("30", "yes") are ajv formats named after value-text.ts's checks;
 * JSON Schema applies `format` to strings only and `minimum` to numbers only, so one type list covers both forms.
 */
import { MAX_SECONDS } from '../util/duration';
import { PROFILE_KEYS, type ValueKind } from './profile-keys';
import { PROFILE_NAME } from './profile-names';

type JsonSchema = Record<string, unknown>;

/** null is an empty key, as `timeout:` with no value: allowed and ignored. */
const VALUE_SCHEMAS: Record<ValueKind, JsonSchema> = {
  string: { type: ['string', 'number', 'null'] },
  secret: { type: ['string', 'null'] },
  boolean: { type: ['boolean', 'string', 'null'], format: 'booleanText' },
  // Every number key is a duration in seconds (timeout, connect_timeout, retry_backoff).
  number: { type: ['number', 'string', 'null'], minimum: 0, maximum: MAX_SECONDS, format: 'secondsText' },
  integer: { type: ['integer', 'string', 'null'], minimum: 0, format: 'nonNegativeInteger' },
};

export function configJsonSchema(): JsonSchema {
  const profile = {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(PROFILE_KEYS).map(([key, kind]) => [key, VALUE_SCHEMAS[kind]])),
  };
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      current: { type: ['string', 'null'] },
      profiles: {
        type: ['object', 'null'],
        propertyNames: { pattern: PROFILE_NAME.source },
        additionalProperties: profile,
      },
    },
  };
}
