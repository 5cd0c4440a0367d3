import { z } from 'zod';
import type { ProblemType } from '../services/problems.js';
import { IdempotencyKey, Problem } from './schemas.js';
import type { RouteSpec } from './registry.js';

type JsonObject = Record<string, unknown>;

const problemTypesByStatus: Record<number, readonly ProblemType[]> = {
  400: ['invalid-request', 'malformed-json'],
  401: ['unauthenticated'],
  403: ['forbidden', 'not-registered', 'not-eligible'],
  404: ['not-found'],
  409: [
    'poll-not-open',
    'already-voted',
    'invalid-state',
    'idempotency-conflict',
    'results-sealed',
    'tally-pending',
  ],
  413: ['payload-too-large'],
  415: ['unsupported-media-type'],
  429: ['rate-limited'],
  503: ['unavailable', 'commit-pending'],
};

/**
 * Converts one schema and hoists its named definitions into components, so every schema with
 * an `id` appears once under #/components/schemas.
 */
function convert(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, unknown>,
): JsonObject {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonObject;
  const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
  const rewritten = JSON.parse(text) as JsonObject & { $defs?: Record<string, unknown> };
  const { $defs, ...rest } = rewritten;
  delete rest.$schema;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = def;
  return rest;
}

function parameters(spec: RouteSpec, components: Record<string, unknown>): JsonObject[] {
  const result: JsonObject[] = [];
  for (const [location, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    const json = convert(schema, 'input', components) as {
      properties?: Record<string, JsonObject>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      result.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  if (spec.idempotent === true) {
    result.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Scoped to the caller and route; a replay returns the original answer for at least 24 hours.',
      schema: convert(IdempotencyKey, 'input', components),
    });
  }
  return result;
}

function errorStatuses(spec: RouteSpec): number[] {
  const statuses = new Set<number>(spec.problems ?? []);
  statuses.add(429);
  if (spec.access !== 'public') {
    statuses.add(401);
    statuses.add(403);
  }
  if (spec.body !== undefined) {
    for (const status of [400, 413, 415]) statuses.add(status);
  }
  if (spec.ledger || spec.idempotent === true) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/** Builds the OpenAPI 3.1 document of the given routes. */
export function buildOpenApi(specs: readonly RouteSpec[], info: { version: string }): JsonObject {
  const components: Record<string, unknown> = {};
  const problem = convert(Problem, 'output', components);
  const paths: Record<string, Record<string, JsonObject>> = {};

  for (const spec of specs) {
    const responses: Record<string, JsonObject> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.empty === true
          ? {}
          : {
              content: {
                [contentType]: {
                  schema: response.schema ? convert(response.schema, 'output', components) : {},
                },
              },
            }),
        ...(response.headers === undefined
          ? {}
          : {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }),
      };
    }
    for (const status of errorStatuses(spec)) {
      if (responses[String(status)] !== undefined) continue;
      const types = problemTypesByStatus[status] ?? [];
      responses[String(status)] = {
        description: `problem: ${types.join(', ')}`,
        content: { 'application/problem+json': { schema: problem } },
        ...(status === 429
          ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } } }
          : {}),
      };
    }
    const operation: JsonObject = {
      operationId: spec.operationId,
      tags: [spec.tag],
      summary: spec.summary,
      parameters: parameters(spec, components),
      responses,
      ...(spec.access === 'public' ? { security: [] } : { 'x-roles': [spec.access] }),
    };
    if (spec.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: convert(spec.body, 'input', components) } },
      };
    }
    const item = (paths[spec.path] ??= {});
    item[spec.method] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Veche REST API',
      version: info.version,
      description: 'City polls on a permissioned Hyperledger Fabric ledger (API.md, version 1).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'veche.sid',
          description:
            'browser session from /auth/login; used only when no Authorization header is sent',
        },
      },
    },
  };
}
