import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { z } from 'zod';
import { assertAccess } from '../auth/guards.js';
import type { Caller } from '../auth/caller.js';
import type { Metrics } from '../middleware/metrics.js';
import { toProblem } from '../middleware/errors.js';
import {
  idempotencyScope,
  type Idempotency,
  type Recovery,
  type StoredResponse,
} from '../redis/idempotency.js';
import type { RateLimits } from '../redis/rateLimits.js';
import type { WriteOptions } from '../services/ledger.js';
import type { PendingWrite } from '../services/pendingWrites.js';
import { ApiProblem, invalidRequest, jsonPointer, type FieldError } from '../services/problems.js';
import type { OperationId, RouteSpec, SpecOf } from '../validation/registry.js';
import { IdempotencyKey } from '../validation/schemas.js';

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<S extends RouteSpec> {
  readonly params: Output<S['params']>;
  readonly query: Output<S['query']>;
  readonly body: S extends { body: infer B } ? Output<B> : undefined;
  /** Set on every non-public route. */
  readonly caller: S['access'] extends 'public' ? Caller | undefined : Caller;
  readonly writeOptions: WriteOptions;
}

export interface HandlerResult {
  readonly status: number;
  readonly body: unknown;
  /** Defaults to JSON. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler<S extends RouteSpec> = (input: HandlerInput<S>) => Promise<HandlerResult>;
/** A browser route's handler answers itself: redirects and cookies are its whole point. */
export type BrowserHandler = (req: Request, res: Response) => Promise<void>;
export type Handlers = {
  readonly [K in OperationId]: SpecOf<K> extends { browser: true }
    ? BrowserHandler
    : Handler<SpecOf<K>>;
};

/**
 * For every route that takes an Idempotency-Key: how a replay learns from the ledger what its
 * first request's write became, when that request is no longer there to say.
 */
export type Recoveries = {
  readonly [K in OperationId as SpecOf<K> extends { idempotent: true } ? K : never]: Recovery;
};

/** Turns a service's view of a pending write into the route's answer, `status` with the value. */
export function recovery<T>(
  status: number,
  outcome: (txId: string) => Promise<PendingWrite<T>>,
): Recovery {
  return async (txId) => {
    const found = await outcome(txId);
    return found.kind === 'committed'
      ? { kind: 'committed', value: { status, body: found.value } }
      : found;
  };
}

export interface MountDeps {
  readonly authenticate: RequestHandler;
  readonly rateLimits: RateLimits;
  readonly idempotency: Idempotency;
  readonly recoveries: Recoveries;
  readonly metrics: Metrics;
}

const bodyLimit = '256kb';
const jsonParser = express.json({ limit: bodyLimit, strict: true, type: () => true });

function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: string): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: jsonPointer([...issue.path, key], prefix),
        message: 'unknown field',
      }));
    }
    return [{ path: jsonPointer(issue.path, prefix), message: issue.message }];
  });
}

function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: string,
  errors: FieldError[],
): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  errors.push(...issuesToErrors(result.error.issues, prefix));
  return undefined;
}

function run(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const next: NextFunction = (error?: unknown) => {
      if (error === undefined || error === null || error === 'route') resolve();
      else
        reject(
          error instanceof Error || error instanceof ApiProblem
            ? error
            : new Error('request middleware failed'),
        );
    };
    void Promise.resolve(middleware(req, res, next)).catch(reject);
  });
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function isJson(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(type);
}

/** Path parameters copied onto a null-prototype object, so no parameter name can reach Object.prototype. */
function plain(source: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, source);
}

/**
 * A refusal that a replay must get again: a 4xx from the services or the chaincode. Not one that
 * carries a txId (an invalidated transaction: API.md has the replay submit again), and no 5xx
 * (nothing was recorded, so the retry runs).
 */
export function finalAnswer(error: unknown): StoredResponse | undefined {
  const problem = toProblem(error);
  if (problem.status >= 500 || problem.extra.txId !== undefined) return undefined;
  return { status: problem.status, body: problem.toBody() };
}

function send(res: Response, result: HandlerResult): void {
  if (result.status >= 400) {
    // A stored refusal, replayed as it was first sent.
    res.status(result.status).type('application/problem+json').send(JSON.stringify(result.body));
    return;
  }
  res.status(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.contentType !== undefined) res.type(result.contentType).send(result.body);
  else res.json(result.body);
}

/**
 * 405 for a path the API serves asked with a method it does not serve there (the 404 catch-all
 * would call a known resource unknown). Paths match as Express matches them: case-insensitive,
 * an optional trailing slash, a parameter being one non-empty segment.
 */
export function methodNotAllowed(specs: readonly RouteSpec[]): RequestHandler {
  const byPath = new Map<string, Set<string>>();
  for (const spec of specs) {
    const methods = byPath.get(spec.path) ?? new Set<string>();
    methods.add(spec.method.toUpperCase());
    if (spec.method === 'get') methods.add('HEAD');
    byPath.set(spec.path, methods);
  }
  const patterns = [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(
      `^${path
        .split(/\{\w+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}/?$`,
      'i',
    ),
    allow: [...methods].sort(),
  }));
  return (req, _res, next) => {
    const found = patterns.find(({ pattern }) => pattern.test(req.path));
    if (found === undefined || found.allow.includes(req.method)) {
      next();
      return;
    }
    next(
      new ApiProblem('method-not-allowed', `This resource answers ${found.allow.join(', ')}.`, {
        allow: found.allow,
      }),
    );
  };
}

/**
 * Mounts each spec. A browser route (/auth/*) runs its handler directly, timed like the rest.
 * Every other route: authentication and role first (401/403 before 400), then the caller's rate
 * limit, then the body (415, 413, malformed JSON), then schema validation, then idempotency,
 * then the handler.
 */
export function mountRoutes(
  app: Express,
  specs: readonly RouteSpec[],
  handlers: Handlers,
  deps: MountDeps,
): void {
  for (const spec of specs) {
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    if (spec.browser === true) {
      const browserHandler = (handlers as unknown as Record<string, BrowserHandler>)[
        spec.operationId
      ];
      if (browserHandler === undefined) throw new Error(`no handler for ${spec.operationId}`);
      app[spec.method](expressPath, async (req: Request, res: Response) => {
        const stop = deps.metrics.httpDuration.startTimer({
          method: spec.method.toUpperCase(),
          route: spec.path,
        });
        res.once('finish', () => stop({ status: String(res.statusCode) }));
        await browserHandler(req, res);
      });
      continue;
    }
    const handler = (handlers as unknown as Record<string, Handler<RouteSpec>>)[spec.operationId];
    if (handler === undefined) throw new Error(`no handler for ${spec.operationId}`);
    const recover = (deps.recoveries as Partial<Record<string, Recovery>>)[spec.operationId];
    if (spec.idempotent === true && recover === undefined)
      throw new Error(`no recovery for ${spec.operationId}`);

    const route: RequestHandler = async (req, res) => {
      const stop = deps.metrics.httpDuration.startTimer({
        method: spec.method.toUpperCase(),
        route: spec.path,
      });
      res.once('finish', () => stop({ status: String(res.statusCode) }));

      let caller: Caller | undefined;
      if (spec.access !== 'public') {
        await run(deps.authenticate, req, res);
        caller = req.user;
        assertAccess(spec.access, caller);
        if (caller !== undefined) await deps.rateLimits.consumeCaller(caller.residentId);
      }

      let rawBody: unknown = undefined;
      if (hasBody(req)) {
        if (!isJson(req))
          throw new ApiProblem('unsupported-media-type', 'The body must be application/json.');
        await run(jsonParser, req, res);
        rawBody = req.body as unknown;
      }

      const errors: FieldError[] = [];
      const params = parse(spec.params, plain(req.params), '/params', errors);
      const query = parse(
        spec.query,
        plain(req.query as Record<string, unknown>),
        '/query',
        errors,
      );
      let body: unknown = undefined;
      if (spec.body !== undefined) body = parse(spec.body, rawBody, '', errors);
      else if (
        rawBody !== undefined &&
        !(typeof rawBody === 'object' && rawBody !== null && Object.keys(rawBody).length === 0)
      ) {
        errors.push({ path: '', message: 'this request takes no body' });
      }
      let idempotencyKey: string | undefined;
      const keyHeader = req.headers['idempotency-key'];
      if (spec.idempotent === true && keyHeader !== undefined) {
        idempotencyKey = parse(IdempotencyKey, keyHeader, '/headers/idempotency-key', errors);
      }
      if (errors.length > 0) throw invalidRequest(errors);

      const input = { params, query, body, caller, writeOptions: {} } as HandlerInput<RouteSpec>;
      if (idempotencyKey === undefined || caller === undefined) {
        send(res, await handler(input));
        return;
      }

      if (recover === undefined) throw new Error(`no recovery for ${spec.operationId}`);
      const outcome = await deps.idempotency.execute({
        scope: idempotencyScope(caller.residentId, spec.operationId, params ?? {}),
        key: idempotencyKey,
        body,
        run: (writeOptions) => handler({ ...input, writeOptions }),
        recover,
        finalAnswer,
      });
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      send(res, outcome.response);
    };
    app[spec.method](expressPath, route);
  }
}
