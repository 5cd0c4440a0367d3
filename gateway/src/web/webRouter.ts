import express, {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { csrfSync } from 'csrf-sync';
import { safeReturnTo } from '../auth/browserLogin.js';
import type { Caller } from '../auth/caller.js';
import type { SessionAuth } from '../auth/sessions.js';
import { errorForLog, toProblem } from '../middleware/errors.js';
import type { BallotService } from '../services/ballots.js';
import type { PollService } from '../services/polls.js';
import { ApiProblem } from '../services/problems.js';
import type { ResidentService } from '../services/residents.js';
import type { Poll, Receipt, ReceiptCheck, Results } from '../validation/schemas.js';
import { loadAssets } from './assets.js';
import { eligibilityOf, type EligibilityDetails, type EligibilityMark } from './eligibility.js';
import { formatsFor } from './format.js';
import { isLanguage, languageCookie, languageOf, loadTranslations } from './i18n.js';
import { receiptQrSvg } from './receiptQr.js';
import { createRenderer, type PageContext } from './render.js';

export interface WebDeps {
  readonly polls: PollService;
  readonly ballots: BallotService;
  readonly residents: ResidentService;
  /** The API's authenticator: a session (or bearer token) becomes the same Caller. */
  readonly authenticate: RequestHandler;
  readonly sessions: SessionAuth;
  readonly timeZone: string;
  /** The gateway's public origin, for the receipt's QR link. */
  readonly publicOrigin: string;
  /** The organisation whose peer answers receipt checks (the regulator's); none unconfigured. */
  readonly receiptPeer: string | undefined;
  /** Templates are compiled once outside development. */
  readonly cacheTemplates: boolean;
}

const pageSize = 20;
/** Problems a ballot form answers on the poll page itself, in the resident's language. */
const ballotProblems = new Set([
  'invalid-request',
  'not-eligible',
  'not-registered',
  'poll-not-open',
  'already-voted',
  'invalid-state',
  'rate-limited',
  'commit-pending',
]);
const notices = new Set(['erased', 'signed-out']);
const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
});
const csrfDetail = 'The form token is missing or stale.';
function csrfRejected(): ApiProblem {
  return new ApiProblem('forbidden', csrfDetail);
}
const formParser = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 });

function run(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const next: NextFunction = (error?: unknown) => {
      if (error === undefined || error === null) resolve();
      else reject(error instanceof Error ? error : new Error('middleware failed'));
    };
    void Promise.resolve(middleware(req, res, next)).catch(reject);
  });
}

function param(req: Request, name: string): string {
  const value = (req.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

function queryText(req: Request, name: string, max = 512): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

function formValues(req: Request, name: string): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function roleOf(caller: Caller): 'resident' | 'official' | 'regulator' {
  if (caller.roles.includes('regulator')) return 'regulator';
  if (caller.roles.includes('official')) return 'official';
  return 'resident';
}

function isResident(caller: Caller | undefined): caller is Caller {
  return caller !== undefined && caller.roles.includes('resident');
}

function signInUrl(here: string): string {
  return `/auth/login?returnTo=${encodeURIComponent(here)}`;
}

/** Not a registered resident: the ledger's NOT_FOUND, which the resident service turns into 404. */
async function orUnregistered<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error: unknown) {
    if (toProblem(error).type === 'not-found') return undefined;
    throw error;
  }
}

/**
 * The residents' web page: server-rendered HTML over the same services the REST routes use, so
 * a ballot cast here is the same write, with the same checks, as POST /api/v1/polls/{id}/ballots.
 */
export function createWebRouter(deps: WebDeps): Router {
  const { polls, ballots, residents, sessions } = deps;
  const translations = loadTranslations();
  const assets = loadAssets();
  const renderer = createRenderer({ cache: deps.cacheTemplates });
  const router = Router();

  async function callerOf(req: Request, res: Response): Promise<Caller | undefined> {
    try {
      await run(deps.authenticate, req, res);
    } catch (error: unknown) {
      if (error instanceof ApiProblem && error.type === 'unauthenticated') return undefined;
      throw error;
    }
    return req.user;
  }

  function contextOf(req: Request, caller: Caller | undefined): PageContext {
    const lang = languageOf(req);
    return {
      lang,
      t: translations.translator(lang),
      fmt: formatsFor(lang, deps.timeZone),
      assets,
      here: safeReturnTo(req.originalUrl),
      user:
        caller === undefined
          ? undefined
          : { role: roleOf(caller), csrfToken: csrf.generateToken(req) },
    };
  }

  /** A signed-in resident's marks: eligibility by the stored record and current claims, and votes. */
  async function residentView(
    caller: Caller,
  ): Promise<{ details: EligibilityDetails | null | undefined; ballots: Map<string, Receipt> }> {
    const record = await orUnregistered(residents.get(caller));
    const own = record === undefined ? undefined : await orUnregistered(residents.ballots(caller));
    const byPoll = new Map((own?.items ?? []).map((receipt) => [receipt.pollId, receipt]));
    if (record !== undefined && !record.personalDataStored)
      return { details: null, ballots: byPoll };
    // Unregistered residents are registered with these claims at their first ballot. A claims
    // failure (an expired IdP token) leaves polls unmarked rather than failing the page.
    const claims = await caller.personalClaims().catch(() => undefined);
    if (claims === undefined) return { details: undefined, ballots: byPoll };
    return {
      details: { district: record?.district ?? claims.district, birthdate: claims.birthdate },
      ballots: byPoll,
    };
  }

  function markOf(
    poll: Poll,
    view: { details: EligibilityDetails | null | undefined; ballots: Map<string, Receipt> },
  ): EligibilityMark | 'voted' | undefined {
    if (view.ballots.has(poll.pollId)) return 'voted';
    if (view.details === undefined) return undefined;
    return eligibilityOf(poll, view.details, new Date(), deps.timeZone);
  }

  router.use(assets.handler);

  router.get('/lang/:lang', (req, res) => {
    const lang = param(req, 'lang');
    if (isLanguage(lang)) {
      res.cookie(languageCookie, lang, {
        maxAge: 365 * 24 * 3600 * 1000,
        sameSite: 'lax',
        httpOnly: true,
        path: '/',
      });
    }
    res.redirect(303, safeReturnTo(queryText(req, 'returnTo', 2048)));
  });

  async function pollList(req: Request, res: Response, only?: 'open' | 'closed'): Promise<void> {
    const caller = await callerOf(req, res);
    const cursor = queryText(req, 'cursor');
    const statuses = only === undefined ? (['open', 'closed'] as const) : [only];
    const [lists, view] = await Promise.all([
      Promise.all(statuses.map((status) => polls.list(status, pageSize, cursor))),
      isResident(caller) ? residentView(caller) : undefined,
    ]);
    const sections = statuses.map((status, index) => {
      const list = lists[index] ?? { items: [] };
      return {
        status,
        items: list.items.map((poll) => ({
          poll,
          mark: view === undefined ? undefined : markOf(poll, view),
        })),
        more:
          list.nextCursor === undefined
            ? undefined
            : `/polls?status=${status}&cursor=${encodeURIComponent(list.nextCursor)}`,
      };
    });
    const notice = queryText(req, 'notice');
    renderer.page(res, 'polls', contextOf(req, caller), {
      sections,
      notice: notice !== undefined && notices.has(notice) ? notice : undefined,
      signedInResident: isResident(caller),
    });
  }

  router.get('/', (req, res) => pollList(req, res));
  router.get('/polls', (req, res) => {
    const status = queryText(req, 'status');
    return pollList(req, res, status === 'closed' ? 'closed' : 'open');
  });

  async function pollPage(
    req: Request,
    res: Response,
    caller: Caller | undefined,
    error?: { message: string; status: number; choices: string[] },
  ): Promise<void> {
    const poll = await polls.get(param(req, 'pollId'));
    const view = isResident(caller) ? await residentView(caller) : undefined;
    const own = view?.ballots.get(poll.pollId);
    const mark = view === undefined ? undefined : markOf(poll, view);
    const eligible =
      view?.details === undefined
        ? true
        : eligibilityOf(poll, view.details, new Date(), deps.timeZone) === 'eligible';
    const canVote =
      isResident(caller) &&
      poll.status === 'open' &&
      eligible &&
      (own === undefined || poll.allowRevote === true);
    renderer.page(
      res,
      'poll',
      contextOf(req, caller),
      {
        poll,
        own,
        mark,
        eligible,
        canVote,
        role: caller === undefined ? undefined : roleOf(caller),
        signIn: signInUrl(`/polls/${poll.pollId}`),
        checked: error?.choices ?? own?.choices ?? [],
        error: error?.message,
        labelOf: (id: string) => poll.options.find((option) => option.id === id)?.label ?? id,
      },
      error?.status ?? 200,
    );
  }

  router.get('/polls/:pollId', async (req, res) => {
    await pollPage(req, res, await callerOf(req, res));
  });

  /** Casts as POST /ballots does; a first ballot registers the resident with their current claims. */
  async function castRegistering(
    caller: Caller,
    pollId: string,
    choices: string[],
  ): Promise<Receipt> {
    try {
      return await ballots.cast(caller, pollId, choices);
    } catch (error: unknown) {
      if (toProblem(error).type !== 'not-registered') throw error;
      await residents.register(caller);
      return ballots.cast(caller, pollId, choices);
    }
  }

  router.post('/polls/:pollId/ballot', formParser, async (req, res) => {
    const caller = await callerOf(req, res);
    const pollId = param(req, 'pollId');
    if (caller === undefined) {
      res.redirect(303, signInUrl(`/polls/${pollId}`));
      return;
    }
    if (!csrf.isRequestValid(req)) throw csrfRejected();
    const t = translations.translator(languageOf(req));
    const choices = formValues(req, 'choice');
    if (choices.length === 0) {
      await pollPage(req, res, caller, { message: t('errors.choose'), status: 400, choices });
      return;
    }
    let receipt: Receipt;
    try {
      receipt = await castRegistering(caller, pollId, choices);
    } catch (error: unknown) {
      const problem = toProblem(error);
      if (!ballotProblems.has(problem.type)) throw error;
      await pollPage(req, res, caller, {
        message: t(`errors.${problem.type}`),
        status: problem.status,
        choices,
      });
      return;
    }
    // Post/Redirect/Get: a reload of the receipt never posts the ballot again.
    res.redirect(303, `/receipts/${receipt.txId}`);
  });

  router.get('/receipts/:txId', async (req, res) => {
    const caller = await callerOf(req, res);
    const check = await ballots.receipt(param(req, 'txId'));
    const poll = await polls.get(check.pollId);
    const checkUrl = `${deps.publicOrigin}/check?txId=${check.txId}`;
    renderer.page(res, 'receipt', contextOf(req, caller), {
      check,
      poll,
      own: caller?.residentId === check.residentId,
      checkUrl,
      qr: await receiptQrSvg(checkUrl),
      labels: check.choices.map(
        (id) => poll.options.find((option) => option.id === id)?.label ?? id,
      ),
    });
  });

  router.get('/check', async (req, res) => {
    const caller = await callerOf(req, res);
    const txId = queryText(req, 'txId', 256)?.trim();
    let outcome: 'valid' | 'superseded' | 'invalid' | 'notFound' | 'badId' | undefined;
    let check: ReceiptCheck | undefined;
    let poll: Poll | undefined;
    if (txId !== undefined) {
      try {
        check = await ballots.receipt(txId);
        outcome = !check.valid ? 'invalid' : check.superseded ? 'superseded' : 'valid';
        poll = await polls.get(check.pollId).catch(() => undefined);
      } catch (error: unknown) {
        const problem = toProblem(error);
        if (problem.type === 'not-found') outcome = 'notFound';
        else if (problem.type === 'invalid-request') outcome = 'badId';
        else throw error;
      }
    }
    renderer.page(res, 'check', contextOf(req, caller), {
      txId: txId ?? '',
      outcome,
      check,
      poll,
      peer: deps.receiptPeer,
    });
  });

  router.get('/polls/:pollId/results', async (req, res) => {
    const caller = await callerOf(req, res);
    const poll = await polls.get(param(req, 'pollId'));
    let results: Results | undefined;
    let state: 'shown' | 'sealed' | 'pending' = 'shown';
    try {
      results = await polls.results(poll.pollId);
    } catch (error: unknown) {
      const problem = toProblem(error);
      if (problem.type === 'results-sealed') state = 'sealed';
      else if (problem.type === 'tally-pending') state = 'pending';
      else throw error;
    }
    const total = results?.totalBallots ?? 0;
    const rows = poll.options.map((option) => {
      const count = results?.counts[option.id] ?? 0;
      return { option, count, share: total === 0 ? 0 : count / total };
    });
    renderer.page(res, 'results', contextOf(req, caller), { poll, results, state, rows, total });
  });

  async function signedIn(req: Request, res: Response): Promise<Caller | undefined> {
    const caller = await callerOf(req, res);
    if (caller === undefined) res.redirect(303, signInUrl(req.path));
    return caller;
  }

  router.get('/my/ballots', async (req, res) => {
    const caller = await signedIn(req, res);
    if (caller === undefined) return;
    const own = isResident(caller) ? await orUnregistered(residents.ballots(caller)) : undefined;
    const items = own?.items ?? [];
    const titles = new Map<string, string>();
    await Promise.all(
      [...new Set(items.map((item) => item.pollId))].map(async (pollId) => {
        const poll = await polls.get(pollId).catch(() => undefined);
        if (poll !== undefined) titles.set(pollId, poll.title);
      }),
    );
    renderer.page(res, 'ballots', contextOf(req, caller), {
      items: [...items].sort((a, b) => b.recordedAt.localeCompare(a.recordedAt)),
      titleOf: (pollId: string) => titles.get(pollId) ?? pollId,
    });
  });

  async function dataPage(
    req: Request,
    res: Response,
    caller: Caller,
    error?: string,
  ): Promise<void> {
    const record = isResident(caller) ? await orUnregistered(residents.get(caller)) : undefined;
    renderer.page(res, 'data', contextOf(req, caller), { record, error }, error ? 400 : 200);
  }

  router.get('/my/data', async (req, res) => {
    const caller = await signedIn(req, res);
    if (caller !== undefined) await dataPage(req, res, caller);
  });

  router.post('/my/data/erase', formParser, async (req, res) => {
    const caller = await signedIn(req, res);
    if (caller === undefined) return;
    if (!csrf.isRequestValid(req)) throw csrfRejected();
    if (!formValues(req, 'confirm').includes('yes')) {
      await dataPage(
        req,
        res,
        caller,
        translations.translator(languageOf(req))('data.mustConfirm'),
      );
      return;
    }
    await residents.purge(caller);
    // The purge ended the resident's sessions in Redis; ending this one too keeps express-session
    // from saving it back at the end of the response, and clears the cookie.
    await sessions.end(req, res);
    res.redirect(303, '/?notice=erased');
  });

  router.post('/signout', formParser, async (req, res) => {
    const caller = await callerOf(req, res);
    if (caller !== undefined && !csrf.isRequestValid(req)) throw csrfRejected();
    await sessions.end(req, res);
    res.redirect(303, '/?notice=signed-out');
  });

  // Errors of these pages become a page in the reader's language, never problem+json.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    const csrfFailure = problem.type === 'forbidden' && problem.detail === csrfDetail;
    res.err = errorForLog(error) as unknown as Error;
    // A failure before the session loaded (Redis down) renders the page as for a visitor.
    const session = (req as { session?: unknown }).session;
    const context = contextOf(req, session === undefined ? undefined : req.user);
    renderer.page(
      res,
      'error',
      context,
      { key: csrfFailure ? 'csrf' : problem.type, status: problem.status },
      problem.status,
    );
  });

  return router;
}
