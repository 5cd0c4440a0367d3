import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  launchChromium,
  pageWeight,
  recordDocuments,
  screenshot,
  writeJson,
  type PageWeight,
} from '../helpers/browser';
import { devToken } from '../helpers/devIdp';
import { networkDir } from '../helpers/networkScript';
import {
  call,
  startSystem,
  startTimeoutMs,
  stopSystem,
  type VecheSystem,
} from '../helpers/vecheSystem';

// The residents' web page in Debian's chromium against `npm start` on free ports and the real
// network: demo residents sign in through the development IdP's own login page, vote, read and
// check their receipts, and see results after an official closes a poll through the REST API.
// axe-core audits every page; each page is screenshot to test-output/browser/ and weighed.

const run = randomBytes(4).toString('hex');
/** What one page may send, HTML + CSS + JS, uncompressed. */
const pageBudgetBytes = 60 * 1024;
const hex64 = /^[0-9a-f]{64}$/;

// Demo residents of this run only, so a purge here never touches another run's residents.
const anna = {
  sub: `web-anna-${run}`,
  name: `Anna Web ${run} (demo)`,
  birthdate: '1988-04-12',
  district: 'Riverside',
  phone_number: '+12025550111',
  roles: ['resident'],
};
const boris = {
  sub: `web-boris-${run}`,
  name: `Boris Web ${run} (demo)`,
  birthdate: '2001-11-03',
  district: 'Old Town',
  phone_number: '+12025550112',
  roles: ['resident'],
};

const fixtureDir = mkdtempSync(join(tmpdir(), 'veche-browser-'));
const demoFile = join(fixtureDir, 'demo-residents.json');
writeFileSync(demoFile, JSON.stringify([anna, boris]));

let system: VecheSystem;
let browser: Browser | undefined;
let official: string;
const weights: Record<string, PageWeight> = {};

async function createPoll(draft: Record<string, unknown>): Promise<string> {
  const now = Date.now();
  const created = await call('POST', `${system.base}/api/v1/polls`, official, {
    description: '',
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 24 * 3600_000).toISOString(),
    ...draft,
  });
  expect(created.status).toBe(201);
  const pollId = String(created.body.pollId);
  expect((await call('POST', `${system.base}/api/v1/polls/${pollId}/open`, official)).status).toBe(
    200,
  );
  return pollId;
}

const documents = new WeakMap<Page, () => Promise<Buffer>>();

/**
 * Screenshots, audits and weighs the page the browser shows now. axe-core needs JavaScript in
 * the page: without it the page is only shot and weighed (the same pages are audited with it).
 */
async function inspect(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  if (page.context() !== noScript) {
    const violations = await axeViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  }
  const document = documents.get(page);
  if (document === undefined) throw new Error('page not made by newContext');
  const weight = await pageWeight(page, await document());
  weights[name] = weight;
  expect(weight.total).toBeLessThan(pageBudgetBytes);
}

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await page.locator(`${selector}:focus`).count()) > 0) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function signIn(page: Page, who: { name: string }): Promise<void> {
  await page.getByRole('link', { name: /^(Sign in|Войти)$/ }).click();
  await page.waitForURL(/\/interaction\//);
  await page.getByRole('button', { name: who.name }).click();
  await page.waitForURL((url) => url.origin === system.base && !url.pathname.startsWith('/auth'));
}

let noScript: BrowserContext | undefined;

async function newContext(locale: 'en-GB' | 'ru-RU', javaScriptEnabled = true): Promise<Page> {
  if (browser === undefined) throw new Error('no browser');
  const context: BrowserContext = await browser.newContext({
    locale,
    javaScriptEnabled,
    viewport: { width: 1024, height: 768 },
  });
  if (!javaScriptEnabled) noScript = context;
  const page = await context.newPage();
  documents.set(page, recordDocuments(page));
  return page;
}

describe('the residents web page', () => {
  let riverside: string;
  let multiple: string;
  let annaFirstTx: string;
  let borisTx: string;

  beforeAll(async () => {
    system = await startSystem(networkDir(), {
      IDP_DEMO_RESIDENTS_FILE: demoFile,
      RATE_LIMIT_IP_PER_SEC: '10000',
      RATE_LIMIT_RESIDENT_PER_MIN: '10000',
    });
    browser = await launchChromium();
    official = await devToken(system.issuer, {
      sub: `web-official-${run}`,
      roles: ['official'],
      department: 'ITDeptMSP',
    });
    riverside = await createPoll({
      title: `Riverside park benches ${run}`,
      description: 'Where should the new benches go?',
      options: [
        { id: 'pier', label: 'By the pier' },
        { id: 'lawn', label: 'On the lawn' },
        { id: 'gate', label: 'At the gate' },
      ],
      maxChoices: 1,
      eligibility: { districts: ['Riverside'], minAge: 16 },
      allowRevote: true,
      resultsVisibility: 'live',
    });
    multiple = await createPoll({
      title: `Городские праздники ${run}`,
      description: 'Какие праздники провести в этом году?',
      options: [
        { id: 'maslenitsa', label: 'Масленица' },
        { id: 'city-day', label: 'День города' },
        { id: 'lights', label: 'Фестиваль света' },
      ],
      maxChoices: 2,
      resultsVisibility: 'after-close',
    });
  }, startTimeoutMs + 60_000);

  afterAll(async () => {
    writeJson('page-weights.json', { budgetBytes: pageBudgetBytes, pages: weights });
    // One line per page, for the report: what each page sends, uncompressed.
    console.log(
      Object.entries(weights)
        .map(([name, w]) => `${name}: html ${w.html} + css ${w.css} + js ${w.js} = ${w.total} B`)
        .join('\n'),
    );
    await browser?.close();
    await stopSystem(system);
    rmSync(fixtureDir, { recursive: true, force: true });
  });

  it('has an axe audit that finds violations where there are some', async () => {
    // The guard for every `violations: []` below: a page without lang and an image without alt.
    const page = await newContext('en-GB');
    await page.setContent('<!doctype html><title>t</title><img src="data:,">');
    const found = (await axeViolations(page)).map((violation) => violation.id);
    expect(found).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt']));
  });

  it('lets a resident sign in, vote by keyboard alone, read and check the receipt, in English', async () => {
    const page = await newContext('en-GB');
    await page.goto(`${system.base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await inspect(page, 'en-01-polls-anonymous');

    // The first Tab lands on the skip link, shown on focus.
    await page.keyboard.press('Tab');
    const skip = page.locator('a.skip:focus');
    await expect(skip.count()).resolves.toBe(1);
    expect((await skip.boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);

    await signIn(page, anna);
    const card = page.locator('li.poll-card', { hasText: `Riverside park benches ${run}` });
    await expect(card.locator('.mark').textContent()).resolves.toBe('You can vote');
    await inspect(page, 'en-02-polls-signed-in');

    await page.goto(`${system.base}/polls/${riverside}`);
    await inspect(page, 'en-03-poll');
    // Keyboard only: Tab to the first option, arrow to the second, Tab to the button, Enter.
    await tabTo(page, 'input[name="choice"]');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'form.ballot button[type="submit"]');
    await Promise.all([page.waitForURL(/\/receipts\/[0-9a-f]{64}$/), page.keyboard.press('Enter')]);

    annaFirstTx = page.url().split('/').pop() ?? '';
    expect(annaFirstTx).toMatch(hex64);
    await expect(page.locator('.receipt').textContent()).resolves.toContain('On the lawn');
    await expect(page.locator('.receipt code.id').textContent()).resolves.toBe(annaFirstTx);
    const block = Number(await page.locator('.receipt dd').nth(3).textContent());
    expect(Number.isInteger(block) && block > 0).toBe(true);
    await expect(page.locator('svg.qr path').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('button[data-print]').isVisible()).resolves.toBe(true);
    await inspect(page, 'en-04-receipt');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'en-05-receipt-print');
    await expect(page.locator('header.site').isVisible()).resolves.toBe(false);
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('link', { name: 'Check this receipt now' }).click();
    await expect(page.locator('[data-outcome]').getAttribute('data-outcome')).resolves.toBe(
      'valid',
    );
    await expect(page.locator('.peer').textContent()).resolves.toContain('RegulatorMSP');
    await inspect(page, 'en-06-check-valid');
  }, 180_000);

  it('lets the resident change the vote, marks the first receipt superseded and shows live results', async () => {
    const page = await newContext('en-GB');
    await page.goto(`${system.base}/polls/${riverside}`);
    await signIn(page, anna);
    await expect(page.locator('.notice').textContent()).resolves.toContain('On the lawn');
    await page.getByLabel('At the gate').check();
    await Promise.all([
      page.waitForURL(/\/receipts\/[0-9a-f]{64}$/),
      page.getByRole('button', { name: 'Change my vote' }).click(),
    ]);
    expect(page.url()).not.toContain(annaFirstTx);

    await page.goto(`${system.base}/check`);
    await page.getByLabel('Transaction ID').fill(annaFirstTx);
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.locator('[data-outcome]').getAttribute('data-outcome')).resolves.toBe(
      'superseded',
    );
    await inspect(page, 'en-07-check-superseded');

    await page.getByLabel('Transaction ID').fill('f'.repeat(64));
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.locator('[data-outcome]').getAttribute('data-outcome')).resolves.toBe(
      'notFound',
    );
    await inspect(page, 'en-08-check-not-found');

    await page.goto(`${system.base}/polls/${riverside}/results`);
    const gate = page.locator('table.results tr', { hasText: 'At the gate' });
    await expect(gate.locator('td.num').first().textContent()).resolves.toBe('1');
    await expect(
      page
        .locator('table.results tr', { hasText: 'On the lawn' })
        .locator('td.num')
        .first()
        .textContent(),
    ).resolves.toBe('0');
    await inspect(page, 'en-09-results-live');

    await page.goto(`${system.base}/my/ballots`);
    await expect(page.locator('table.ballots').textContent()).resolves.toContain(
      `Riverside park benches ${run}`,
    );
    await inspect(page, 'en-10-my-ballots');
  }, 180_000);

  it('lets a resident vote in a multiple-choice poll and see its results after the close, in Russian', async () => {
    const page = await newContext('ru-RU');
    await page.goto(`${system.base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await signIn(page, boris);
    // Old Town is not among the Riverside poll's districts.
    const card = page.locator('li.poll-card', { hasText: `Riverside park benches ${run}` });
    await expect(card.locator('.mark').textContent()).resolves.toBe('Вы не можете голосовать');
    await inspect(page, 'ru-01-polls');

    await page.goto(`${system.base}/polls/${multiple}`);
    await inspect(page, 'ru-02-poll');
    await page.getByRole('button', { name: 'Проголосовать' }).click();
    await expect(page.locator('.error').textContent()).resolves.toContain(
      'Выберите хотя бы один вариант',
    );
    await inspect(page, 'ru-03-poll-error');
    await page.getByLabel('Масленица').check();
    await page.getByLabel('Фестиваль света').check();
    await Promise.all([
      page.waitForURL(/\/receipts\/[0-9a-f]{64}$/),
      page.getByRole('button', { name: 'Проголосовать' }).click(),
    ]);
    borisTx = page.url().split('/').pop() ?? '';
    await expect(page.locator('.receipt').textContent()).resolves.toContain(
      'Масленица, Фестиваль света',
    );
    await inspect(page, 'ru-04-receipt');

    await page.goto(`${system.base}/check?txId=${borisTx}`);
    await expect(page.locator('[data-outcome]').textContent()).resolves.toContain('Действителен');
    await inspect(page, 'ru-05-check');

    await page.goto(`${system.base}/polls/${multiple}/results`);
    await expect(page.locator('main .notice').textContent()).resolves.toBe(
      'Результаты скрыты до завершения опроса.',
    );
    await inspect(page, 'ru-06-results-sealed');

    const closed = await call('POST', `${system.base}/api/v1/polls/${multiple}/close`, official);
    expect(closed.status).toBe(200);
    await page.goto(`${system.base}/polls/${multiple}/results`);
    const row = (label: string): Promise<string | null> =>
      page.locator('table.results tr', { hasText: label }).locator('td.num').first().textContent();
    await expect(row('Масленица')).resolves.toBe('1');
    await expect(row('День города')).resolves.toBe('0');
    await expect(row('Фестиваль света')).resolves.toBe('1');
    await expect(page.locator('table.results caption').textContent()).resolves.toBe(
      'Учтено голосов: 1',
    );
    await inspect(page, 'ru-07-results-final');

    // The switch keeps the page and changes its language.
    await page.getByRole('link', { name: 'English' }).click();
    expect(new URL(page.url()).pathname).toBe(`/polls/${multiple}/results`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('table.results caption').textContent()).resolves.toBe(
      'Ballots counted: 1',
    );
    await page.getByRole('link', { name: 'Русский' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
  }, 180_000);

  it('serves polls, a poll and results to a browser without JavaScript', async () => {
    const page = await newContext('en-GB', false);
    // Read from the HTML the browser received: with scripts off, nothing but the server made it.
    const html = async (): Promise<string> => ((await documents.get(page)?.()) ?? '').toString();
    await page.goto(`${system.base}/`);
    expect(await html()).toContain(`Riverside park benches ${run}`);
    await inspect(page, 'nojs-01-polls');
    await page.goto(`${system.base}/polls/${multiple}/results`);
    expect(await html()).toContain('<caption>Ballots counted: 1</caption>');
    expect((await html()).match(/<rect class="fill"/g)).toHaveLength(3);
    await inspect(page, 'nojs-02-results');
    await page.goto(`${system.base}/polls/${riverside}`);
    expect(await html()).toContain('Residents of: Riverside');
    await inspect(page, 'nojs-03-poll');

    // The stylesheet's URL names its content, so browsers keep it a year; pages are never cached.
    const cssPath = /<link rel="stylesheet" href="([^"]+)"/.exec(await html())?.[1] ?? '';
    const css = await fetch(`${system.base}${cssPath}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const pageAnswer = await fetch(`${system.base}/`);
    expect(pageAnswer.headers.get('cache-control')).toBe('no-store');
    expect(pageAnswer.headers.get('content-security-policy')).toContain("default-src 'none'");
  }, 120_000);

  it('erases the resident\u2019s personal data only after confirmation, then signs them out', async () => {
    const page = await newContext('ru-RU');
    await page.goto(`${system.base}/my/data`);
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('button', { name: boris.name }).click();
    await page.waitForURL(`${system.base}/my/data`);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'хранятся в закрытой коллекции',
    );
    await inspect(page, 'ru-08-my-data');

    await page.getByRole('button', { name: 'Удалить мои данные' }).click();
    await expect(page.locator('.error').textContent()).resolves.toContain('Отметьте флажок');
    await inspect(page, 'ru-09-my-data-unconfirmed');
    const stillStored = await call(
      'GET',
      `${system.base}/api/v1/residents/me`,
      await devToken(system.issuer, { sub: boris.sub, roles: ['resident'] }),
    );
    expect(stillStored.body.personalDataStored).toBe(true);

    await page.getByLabel('Я понимаю, удалите мои персональные данные').check();
    await Promise.all([
      page.waitForURL(`${system.base}/?notice=erased`),
      page.getByRole('button', { name: 'Удалить мои данные' }).click(),
    ]);
    await expect(page.locator('main .notice').textContent()).resolves.toContain('удалены');
    await expect(page.getByRole('link', { name: 'Войти' }).count()).resolves.toBe(1);
    await inspect(page, 'ru-10-erased');
    const record = await call(
      'GET',
      `${system.base}/api/v1/residents/me`,
      await devToken(system.issuer, { sub: boris.sub, roles: ['resident'] }),
    );
    expect(record.body).toMatchObject({ personalDataStored: false, district: null });
  }, 120_000);
});
