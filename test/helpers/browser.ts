import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's chromium (scripts/setup.sh installs it), driven by playwright-core: no browser is
// downloaded. The wrapper /usr/bin/chromium only sets flags; the binary behind it is launched
// directly so its exit is Playwright's to see.
const chromiumPaths = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

export const outputDir = join(process.cwd(), 'test-output', 'browser');

export async function launchChromium(): Promise<Browser> {
  const executablePath =
    process.env.VECHE_CHROMIUM ?? chromiumPaths.find((path) => existsSync(path));
  if (executablePath === undefined) {
    throw new Error('chromium not found: run scripts/setup.sh (apt-get install chromium)');
  }
  mkdirSync(outputDir, { recursive: true });
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

const axeSource = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly help: string;
  readonly nodes: readonly string[];
}

/**
 * axe-core in the page itself, against WCAG 2.0/2.1 A and AA. Evaluated through the DevTools
 * protocol, so the pages' Content-Security-Policy (scripts from the gateway only) stays on.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // A string, not a function: the tests are compiled without the DOM's types.
  const result = await page.evaluate<{ passes: number; violations: AxeViolation[] }>(`axe
    .run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })
    .then((result) => ({
      passes: result.passes.length,
      violations: result.violations.map((violation) => ({
        id: violation.id,
        help: violation.help,
        nodes: violation.nodes.map((node) => JSON.stringify(node.target)),
      })),
    }))`);
  // A run that checked nothing would report no violation too: that is a failure of the audit.
  if (result.passes === 0) throw new Error('axe-core checked no rule on this page');
  return result.violations;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

export interface PageWeight {
  readonly html: number;
  readonly css: number;
  readonly js: number;
  readonly total: number;
}

/**
 * Keeps the body of each main-frame document the page receives (the answer to a form's POST as
 * well as to a GET), so its weight is what was really sent.
 */
export function recordDocuments(page: Page): () => Promise<Buffer> {
  let last: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      const status = response.status();
      if (status < 300 || status >= 400) {
        // A document the page has already navigated away from has no body any more; the next
        // document replaces it here, so a failed read must not become an unhandled rejection.
        const previous = last;
        last = response.body().catch(() => previous);
      }
    }
  });
  return () => last;
}

/** What the page sends, uncompressed: its HTML plus every stylesheet and script it links. */
export async function pageWeight(page: Page, document: Buffer): Promise<PageWeight> {
  const request = page.context().request;
  const text = document.toString('utf8');
  const origin = new URL(page.url()).origin;
  let css = 0;
  let js = 0;
  for (const match of text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
    css += (await (await request.get(`${origin}${match[1] ?? ''}`)).body()).length;
  }
  for (const match of text.matchAll(/<script src="([^"]+)"/g)) {
    js += (await (await request.get(`${origin}${match[1] ?? ''}`)).body()).length;
  }
  return { html: document.length, css, js, total: document.length + css + js };
}

export function writeJson(name: string, value: unknown): void {
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, name), `${JSON.stringify(value, null, 2)}\n`);
}
