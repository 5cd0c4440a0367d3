import type { z } from 'zod';
import {
  AuditEventList,
  AuditEventsQuery,
  BallotBody,
  BlockNumberParams,
  CallbackQuery,
  EmptyParams,
  EmptyQuery,
  Health,
  LedgerInfo,
  LoginQuery,
  PollDraft,
  PollHistory,
  PollIdParams,
  Poll,
  PollList,
  PollListQuery,
  PublicConfig,
  Purged,
  Readiness,
  ReceiptCheck,
  ReceiptList,
  Receipt,
  Registration,
  ResidentRecord,
  Results,
  TxIdParams,
} from './schemas.js';

/** Who may call a route (API.md's table); `public` needs no token. */
export type Access = 'public' | 'resident' | 'official' | 'regulator';

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json. */
  readonly contentType?: string;
  /** The response has no body (204, redirects). */
  readonly empty?: boolean;
  /** Response headers worth documenting, name to description. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteSpec {
  readonly operationId: string;
  readonly method: 'get' | 'post' | 'delete';
  /** OpenAPI form, `{name}` for path parameters. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly access: Access;
  readonly params: z.ZodType;
  readonly query: z.ZodType;
  /** Absent: the route takes no body. */
  readonly body?: z.ZodType;
  /** Accepts an Idempotency-Key header. */
  readonly idempotent?: boolean;
  /** Uses the ledger, so it may answer 503 unavailable. */
  readonly ledger: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Error statuses beyond those implied by access, body and ledger. */
  readonly problems?: readonly number[];
  /**
   * A browser route (/auth/*): it answers with redirects and the session cookie, so its handler
   * gets the request itself and reads the query leniently (a bad returnTo falls back to '/', a
   * bad callback is 401); `params` and `query` then only document it.
   */
  readonly browser?: boolean;
}

const none = { params: EmptyParams, query: EmptyQuery } as const;

/**
 * Every route of API.md. The app mounts exactly these, and /openapi.json is built from exactly
 * these, so the document cannot drift from what is served.
 */
export const routeSpecs = [
  {
    operationId: 'getHealth',
    method: 'get',
    path: '/healthz',
    tag: 'service',
    summary: 'Liveness: 200 while the process runs',
    access: 'public',
    ledger: false,
    ...none,
    responses: { 200: { description: 'alive', schema: Health } },
  },
  {
    operationId: 'getReadiness',
    method: 'get',
    path: '/readyz',
    tag: 'service',
    summary: 'Readiness: Redis and a peer answer',
    access: 'public',
    ledger: false,
    ...none,
    responses: {
      200: { description: 'ready', schema: Readiness },
      503: { description: 'a dependency is down; `down` names it', schema: Readiness },
    },
  },
  {
    operationId: 'getMetrics',
    method: 'get',
    path: '/metrics',
    tag: 'service',
    summary: 'Prometheus metrics',
    access: 'public',
    ledger: false,
    ...none,
    responses: {
      200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' },
    },
  },
  {
    operationId: 'getOpenApi',
    method: 'get',
    path: '/openapi.json',
    tag: 'service',
    summary: 'This document',
    access: 'public',
    ledger: false,
    ...none,
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  {
    operationId: 'getConfig',
    method: 'get',
    path: '/api/v1/config',
    tag: 'service',
    summary: 'Public configuration for clients',
    access: 'public',
    ledger: false,
    ...none,
    responses: { 200: { description: 'the IdP issuer', schema: PublicConfig } },
  },
  {
    operationId: 'startLogin',
    method: 'get',
    path: '/auth/login',
    tag: 'auth',
    summary:
      'Browser sign-in: redirect to the IdP (authorization code + PKCE S256, state, nonce; scopes openid profile phone veche)',
    access: 'public',
    ledger: false,
    browser: true,
    params: EmptyParams,
    query: LoginQuery,
    responses: {
      302: {
        description:
          'to the IdP\u2019s authorization endpoint; sets the short-lived pre-login session cookie veche.sid',
        empty: true,
        headers: { Location: 'the authorization request URL', 'Set-Cookie': 'veche.sid' },
      },
    },
    problems: [503],
  },
  {
    operationId: 'finishLogin',
    method: 'get',
    path: '/auth/callback',
    tag: 'auth',
    summary: 'Where the IdP returns the browser: exchanges the code, starts the session',
    access: 'public',
    ledger: false,
    browser: true,
    params: EmptyParams,
    query: CallbackQuery,
    responses: {
      302: {
        description:
          'to the returnTo given at /auth/login; sets a new session cookie veche.sid (HttpOnly, SameSite=Lax, Secure outside development)',
        empty: true,
        headers: { Location: 'the same-origin returnTo path', 'Set-Cookie': 'veche.sid' },
      },
    },
    problems: [401, 503],
  },
  {
    operationId: 'logout',
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Ends the browser session and clears its cookie; idempotent',
    access: 'public',
    ledger: false,
    browser: true,
    ...none,
    responses: {
      204: {
        description: 'signed out (also when there was no session)',
        empty: true,
        headers: { 'Set-Cookie': 'veche.sid, expired' },
      },
    },
    problems: [503],
  },
  {
    operationId: 'registerResident',
    method: 'post',
    path: '/api/v1/residents/me',
    tag: 'residents',
    summary: 'Register the caller (stores current personal details privately)',
    access: 'resident',
    ledger: true,
    ...none,
    responses: {
      201: { description: 'first registration', schema: Registration },
      200: { description: 'already registered; details stored again', schema: Registration },
    },
    problems: [400],
  },
  {
    operationId: 'getResident',
    method: 'get',
    path: '/api/v1/residents/me',
    tag: 'residents',
    summary: 'The caller\u2019s record',
    access: 'resident',
    ledger: true,
    ...none,
    responses: { 200: { description: 'the record', schema: ResidentRecord } },
    problems: [404],
  },
  {
    operationId: 'purgePersonalData',
    method: 'delete',
    path: '/api/v1/residents/me/personal-data',
    tag: 'residents',
    summary: 'Purge the caller\u2019s personal details from the private collection',
    access: 'resident',
    ledger: true,
    ...none,
    responses: { 200: { description: 'purged', schema: Purged } },
    problems: [404],
  },
  {
    operationId: 'listOwnBallots',
    method: 'get',
    path: '/api/v1/residents/me/ballots',
    tag: 'residents',
    summary: 'The latest ballot of each poll the caller voted in',
    access: 'resident',
    ledger: true,
    ...none,
    responses: { 200: { description: 'receipts', schema: ReceiptList } },
  },
  {
    operationId: 'createPoll',
    method: 'post',
    path: '/api/v1/polls',
    tag: 'polls',
    summary: 'Create a poll in status draft',
    access: 'official',
    ledger: true,
    params: EmptyParams,
    query: EmptyQuery,
    body: PollDraft,
    idempotent: true,
    responses: { 201: { description: 'created', schema: Poll } },
    problems: [409],
  },
  {
    operationId: 'listPolls',
    method: 'get',
    path: '/api/v1/polls',
    tag: 'polls',
    summary: 'Polls, newest first',
    access: 'public',
    ledger: true,
    params: EmptyParams,
    query: PollListQuery,
    responses: { 200: { description: 'a page of polls', schema: PollList } },
    problems: [400],
  },
  {
    operationId: 'getPoll',
    method: 'get',
    path: '/api/v1/polls/{pollId}',
    tag: 'polls',
    summary: 'One poll',
    access: 'public',
    ledger: true,
    params: PollIdParams,
    query: EmptyQuery,
    responses: { 200: { description: 'the poll', schema: Poll } },
    problems: [400, 404],
  },
  {
    operationId: 'openPoll',
    method: 'post',
    path: '/api/v1/polls/{pollId}/open',
    tag: 'polls',
    summary: 'Open a draft poll of the caller\u2019s department',
    access: 'official',
    ledger: true,
    params: PollIdParams,
    query: EmptyQuery,
    responses: { 200: { description: 'the poll, open', schema: Poll } },
    problems: [400, 404, 409],
  },
  {
    operationId: 'closePoll',
    method: 'post',
    path: '/api/v1/polls/{pollId}/close',
    tag: 'polls',
    summary: 'Close a poll and record its final tally (or resume an interrupted tally)',
    access: 'official',
    ledger: true,
    params: PollIdParams,
    query: EmptyQuery,
    responses: {
      200: { description: 'the poll, closed and tallied', schema: Poll },
      202: {
        description:
          'the poll, closed; its final tally is still being recorded and goes on (Location: its results, 409 tally-pending until then)',
        schema: Poll,
      },
    },
    problems: [400, 404, 409],
  },
  {
    operationId: 'getResults',
    method: 'get',
    path: '/api/v1/polls/{pollId}/results',
    tag: 'polls',
    summary: 'Live or final counts, subject to the poll\u2019s visibility',
    access: 'public',
    ledger: true,
    params: PollIdParams,
    query: EmptyQuery,
    responses: { 200: { description: 'counts of every option', schema: Results } },
    problems: [400, 404, 409],
  },
  {
    operationId: 'castBallot',
    method: 'post',
    path: '/api/v1/polls/{pollId}/ballots',
    tag: 'ballots',
    summary: 'Cast (or, with allowRevote, replace) the caller\u2019s ballot',
    access: 'resident',
    ledger: true,
    params: PollIdParams,
    query: EmptyQuery,
    body: BallotBody,
    idempotent: true,
    responses: { 201: { description: 'committed VALID', schema: Receipt } },
    problems: [404, 409],
  },
  {
    operationId: 'getReceipt',
    method: 'get',
    path: '/api/v1/receipts/{txId}',
    tag: 'ballots',
    summary: 'Check a ballot transaction on the ledger',
    access: 'public',
    ledger: true,
    params: TxIdParams,
    query: EmptyQuery,
    responses: { 200: { description: 'what the ledger holds', schema: ReceiptCheck } },
    problems: [400, 404],
  },
  {
    operationId: 'listAuditEvents',
    method: 'get',
    path: '/api/v1/audit/events',
    tag: 'audit',
    summary: 'Every transaction of the veche chaincode, in ledger order',
    access: 'regulator',
    ledger: true,
    params: EmptyParams,
    query: AuditEventsQuery,
    responses: { 200: { description: 'a page of events', schema: AuditEventList } },
    problems: [400],
  },
  {
    operationId: 'getPollHistory',
    method: 'get',
    path: '/api/v1/audit/polls/{pollId}/history',
    tag: 'audit',
    summary: 'A poll\u2019s history from the ledger, oldest first',
    access: 'regulator',
    ledger: true,
    params: PollIdParams,
    query: EmptyQuery,
    responses: { 200: { description: 'the history', schema: PollHistory } },
    problems: [400, 404],
  },
  {
    operationId: 'getLedgerInfo',
    method: 'get',
    path: '/api/v1/ledger/info',
    tag: 'ledger',
    summary: 'The channel\u2019s height and newest block hash on the regulator\u2019s peer',
    access: 'public',
    ledger: true,
    ...none,
    responses: { 200: { description: 'the chain', schema: LedgerInfo } },
  },
  {
    operationId: 'getBlock',
    method: 'get',
    path: '/api/v1/ledger/blocks/{blockNumber}',
    tag: 'ledger',
    summary: 'A committed block as Fabric stores it, read from the regulator\u2019s peer',
    access: 'public',
    ledger: true,
    params: BlockNumberParams,
    query: EmptyQuery,
    responses: {
      200: {
        description: 'the protobuf common.Block bytes',
        contentType: 'application/octet-stream',
        headers: { 'Cache-Control': 'public, max-age=31536000, immutable' },
      },
    },
    problems: [404],
  },
] as const satisfies readonly RouteSpec[];

export type RouteSpecs = typeof routeSpecs;
export type OperationId = RouteSpecs[number]['operationId'];
export type SpecOf<K extends OperationId> = Extract<RouteSpecs[number], { operationId: K }>;
