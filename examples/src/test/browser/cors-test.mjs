// Calls the SDK from a page of another origin in Debian's chromium, as a browser app does, and
// prints what the page could read as one JSON line. A request with Authorization is never
// "simple", so each such call succeeds only after the SDK answered chromium's preflight.
//   node cors-test.mjs '<json>'   with {pageUrl, calls: [{name, url, token?, accept?}]}
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = JSON.parse(process.argv[2] || '{}');
const userDataDir = mkdtempSync(join(tmpdir(), 'cors-test-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-dev-shm-usage'],
});
try {
  const page = await context.newPage();
  await page.goto(config.pageUrl);
  const results = await page.evaluate(async (calls) => {
    const out = {};
    for (const call of calls) {
      const headers = { Accept: call.accept || 'application/dicom+json' };
      if (call.token) headers.Authorization = `Bearer ${call.token}`;
      try {
        const response = await fetch(call.url, { headers, cache: 'no-store' });
        const body = await response.text();
        out[call.name] = {
          status: response.status,
          length: body.length,
          etag: response.headers.get('ETag'),
          contentLength: response.headers.get('Content-Length'),
          wwwAuthenticate: response.headers.get('WWW-Authenticate'),
        };
      } catch (error) {
        out[call.name] = { error: String(error) };
      }
    }
    return out;
  }, config.calls);
  results.origin = await page.evaluate(() => window.location.origin);
  console.log(JSON.stringify(results));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
