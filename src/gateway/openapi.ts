/**
 * GET /openapi.json: an OpenAPI 3.1 description of the active schema, made from the same data and JSON-schema
 * conversions as the validators (src/params): every path and method, path and query parameters, request bodies as
 * form and JSON, the reply's `data`. Numbered families (`net[n]`) are listed member by member.
 */
import { propToJson, returnsSchema, type JsonSchema } from '../params/json-schema';
import type { Schema } from '../schema/load';
import { type HttpMethod, isOptional, type Operation, type PropSchema } from '../schema/types';

const IN_QUERY = new Set<HttpMethod>(['GET', 'DELETE']);

/** The operation's parameters by wire name, families expanded (`net[n]` → net0 … netN). */
function wireParams(op: Operation): Array<[string, PropSchema]> {
  const out: Array<[string, PropSchema]> = [];
  for (const [name, prop] of Object.entries(op.parameters.properties ?? {})) {
    const family = prop['x-family'];
    if (!family) out.push([name, prop]);
    else for (let i = 0; i <= family.max; i++) out.push([`${family.prefix}${i}`, { ...prop, optional: 1 }]);
  }
  return out;
}

const described = (schema: JsonSchema, prop: PropSchema): JsonSchema =>
  typeof prop.description === 'string' ? { ...schema, description: prop.description } : schema;

function summaryOf(op: Operation): string | undefined {
  const text = typeof op.description === 'string' ? op.description.trim() : '';
  return text ? (text.split('\n')[0].split(/(?<=\.)\s/)[0] ?? text).slice(0, 200) : undefined;
}

function operationObject(template: string, op: Operation, operationId: string): JsonSchema {
  const inPath = new Set([...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
  const props = op.parameters.properties ?? {};
  const parameters: JsonSchema[] = [...inPath].map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: props[name] ? propToJson(props[name]) : { type: 'string' },
  }));
  const rest = wireParams(op).filter(([name]) => !inPath.has(name));
  const out: JsonSchema = { operationId, tags: [template.split('/')[1] || '/'] };
  const summary = summaryOf(op);
  if (summary) out.summary = summary;
  if (typeof op.description === 'string') out.description = op.description;
  if (IN_QUERY.has(op.method)) {
    for (const [name, prop] of rest) parameters.push({ name, in: 'query', required: !isOptional(prop), schema: described(propToJson(prop), prop) });
  } else if (rest.length) {
    const body: JsonSchema = { type: 'object', properties: Object.fromEntries(rest.map(([name, prop]) => [name, described(propToJson(prop), prop)])) };
    const required = rest.filter(([, prop]) => !isOptional(prop)).map(([name]) => name);
    if (required.length) body.required = required;
    if (!op.parameters.additionalProperties) body.additionalProperties = false;
    out.requestBody = {
      required: required.length > 0,
      content: { 'application/x-www-form-urlencoded': { schema: body }, 'application/json': { schema: body } },
    };
  }
  if (parameters.length) out.parameters = parameters;
  const data = returnsSchema(op) ?? {};
  out.responses = {
    '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { data } } } } },
    '400': { $ref: '#/components/responses/invalid' },
    '401': { $ref: '#/components/responses/error' },
    default: { $ref: '#/components/responses/error' },
  };
  return out;
}

const ERROR_BODY: JsonSchema = {
  type: 'object',
  properties: {
    data: { type: 'null' },
    message: { type: 'string' },
    errors: { type: 'object', additionalProperties: { type: 'string' } },
    detail: {
      type: 'array',
      items: {
        type: 'object',
        properties: { loc: { type: 'array', items: { type: 'string' } }, msg: { type: 'string' }, type: { type: 'string' } },
      },
    },
  },
};

/**
 * Patterns without named groups: `(?<node>…)` is ECMAScript, but validators that check `pattern` with other regex
 * engines refuse it; a plain group matches the same strings.
 */
function portablePatterns(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') (node as JsonSchema)[key] = value.replace(/\(\?<[A-Za-z_][A-Za-z0-9_]*>/g, '(?:');
    else portablePatterns(value);
  }
}

export function openApiDocument(schema: Schema): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  const ids = new Set<string>();
  for (const [template] of schema.index.entries) {
    const item: JsonSchema = {};
    for (const method of schema.methodsOf(template)) {
      const op = schema.operation(template, method);
      if (!op) continue;
      let id = `${method.toLowerCase()}_${template.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
      for (let n = 2; ids.has(id); n++) id = `${id}_${n}`;
      ids.add(id);
      item[method.toLowerCase()] = operationObject(template, op, id);
    }
    if (Object.keys(item).length) paths[template] = item;
  }
  portablePatterns(paths);
  return {
    openapi: '3.1.0',
    info: {
      title: `${schema.index.product.toUpperCase()} API ${schema.index.version} through pvecli serve`,
      version: schema.index.version,
      description: `Generated by pvecli from the ${schema.id} schema. Invalid requests are answered 400 by the gateway and never forwarded.`,
    },
    servers: [{ url: '/api2/json' }],
    security: [{ apiToken: [] }, { ticket: [] }, { gatewayKey: [] }, {}],
    paths,
    components: {
      securitySchemes: {
        apiToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'PVEAPIToken=USER@REALM!NAME=SECRET' },
        ticket: { type: 'apiKey', in: 'cookie', name: 'PVEAuthCookie', description: 'from POST /access/ticket; writes also send CSRFPreventionToken' },
        gatewayKey: { type: 'http', scheme: 'bearer', description: 'a key of PVECLI_GATEWAY_KEYS: the gateway uses its own credentials' },
      },
      responses: {
        invalid: { description: 'Parameter verification failed.', content: { 'application/json': { schema: ERROR_BODY } } },
        error: { description: 'An error; the message is also the HTTP reason phrase.', content: { 'application/json': { schema: ERROR_BODY } } },
      },
    },
  };
}

/** The document as the gateway serves it and `pvecli schema openapi` prints it: one compact JSON text. */
export const openApiJson = (schema: Schema): string => JSON.stringify(openApiDocument(schema));
