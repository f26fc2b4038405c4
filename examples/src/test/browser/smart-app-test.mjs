// Drives the fhirclient sample app (smart-app/, served from its own origin) through a standalone
// launch at the demo EHR in Debian's chromium: the patient signs in and approves, the app reports
// what it found.
//   node smart-app-test.mjs '<json>'   with {launchUrl, patientId, outDir}
// Prints the app's result as one JSON line and exits 0, or a message on stderr and exit code 1.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = JSON.parse(process.argv[2] || '{}');
const userDataDir = mkdtempSync(join(tmpdir(), 'smart-app-test-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
context.setDefaultTimeout(20_000);
const page = context.pages()[0] || await context.newPage();
const consoleLines = [];
page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`.replace(/\/wado\/[^/\s]+/g, '/wado/{token}')));
let result = null;
let failed = null;
try {
  mkdirSync(config.outDir, { recursive: true });
  await page.goto(config.launchUrl);
  // the EHR's consent page
  await page.locator(`input[name=patient][value="${config.patientId}"]`).check();
  await page.screenshot({ path: join(config.outDir, 'smart-app-consent.png') });
  await page.click('#approve');
  await page.waitForFunction(() => document.body.dataset.result || document.body.dataset.error);
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) throw new Error(`the app reports: ${error}`);
  result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  await page.screenshot({ path: join(config.outDir, 'smart-app.png') });
} catch (e) {
  failed = e;
  try { await page.screenshot({ path: join(config.outDir, 'failed-smart-app.png') }); } catch (ignored) { /* best effort */ }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failed) {
  console.error(`The SMART app failed: ${failed.message}`);
  if (consoleLines.length) console.error('Browser console:\n  ' + consoleLines.join('\n  '));
  process.exit(1);
}
console.log(JSON.stringify(result));
