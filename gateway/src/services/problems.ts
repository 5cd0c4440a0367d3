/** The problem types of API.md, with the status and title each always carries. */
const problemTypes = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not well-formed JSON' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-registered': { status: 403, title: 'The resident is not registered' },
  'not-eligible': { status: 403, title: 'The resident is not eligible for this poll' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'The resource does not support this method' },
  'poll-not-open': { status: 409, title: 'The poll is not open' },
  'already-voted': { status: 409, title: 'The resident has already voted in this poll' },
  'invalid-state': { status: 409, title: 'The resource is not in a state that allows this' },
  'idempotency-conflict': {
    status: 409,
    title: 'The Idempotency-Key was used with a different request',
  },
  'results-sealed': { status: 409, title: 'Results are sealed until the poll closes' },
  'tally-pending': { status: 409, title: 'The final tally is not yet recorded' },
  'payload-too-large': { status: 413, title: 'The body is larger than 256 KiB' },
  'unsupported-media-type': { status: 415, title: 'The body must be application/json' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'internal-error': { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'A dependency is unavailable' },
  'commit-pending': { status: 503, title: 'Submitted; the outcome is not yet known' },
} as const;

export type ProblemType = keyof typeof problemTypes;
export const problemTypeNames = Object.keys(problemTypes) as ProblemType[];

export interface FieldError {
  /** JSON Pointer (RFC 6901) into the request body, or `/query/<name>`, `/params/<name>`. */
  readonly path: string;
  readonly message: string;
}

export interface ProblemBody {
  type: ProblemType;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  txId?: string;
}

/**
 * The one error class services throw to end a request. It carries data, not prose to be parsed;
 * the error handler serialises it as application/problem+json.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly extra: {
      readonly errors?: FieldError[];
      readonly txId?: string;
      readonly retryAfterSeconds?: number;
      /** For 405: the methods the resource answers. */
      readonly allow?: readonly string[];
    } = {},
  ) {
    super(`${type}: ${detail}`);
    this.name = 'ApiProblem';
    this.status = problemTypes[type].status;
    this.title = problemTypes[type].title;
  }

  toBody(): ProblemBody {
    const body: ProblemBody = {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
    };
    if (this.extra.errors !== undefined) body.errors = this.extra.errors;
    if (this.extra.txId !== undefined) body.txId = this.extra.txId;
    return body;
  }
}

export function invalidRequest(
  errors: FieldError[],
  detail = 'The request is not valid',
): ApiProblem {
  return new ApiProblem('invalid-request', detail, { errors });
}

/** Escapes one reference token of a JSON Pointer (RFC 6901 section 4). */
export function jsonPointer(path: readonly PropertyKey[], prefix = ''): string {
  return (
    prefix +
    path.map((token) => `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
  );
}
