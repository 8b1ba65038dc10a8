import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's chromium (156, the build playwright-core 1.64.1 drives); Playwright downloads no browser of its own. */
export const chromiumPath = '/usr/lib/chromium/chromium';

export interface LoopbackBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Every request to anything but 127.0.0.1, each refused: a page of the web view must attempt none. */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Headless chromium whose only reachable host is 127.0.0.1: any other request is aborted and recorded.
 * A machine without chromium fails here, naming the package and the script that installs it.
 */
export async function loopbackBrowser(): Promise<LoopbackBrowser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `${chromiumPath} is missing: the browser tests drive Debian's chromium; \`bash scripts/install-debian-packages.sh\` installs it`,
    );
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Root in a container has no user namespace for chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return { browser, context, blocked, close: () => browser.close() };
}
