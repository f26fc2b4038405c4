// Opens OHIF's prebuilt viewer (served from its own origin) on one study in Debian's chromium and
// checks what it drew and every request it made to the SDK.
//   node ohif-test.mjs '<json>'   with {url, sdkOrigin, expect: "drawn"|"refused", outDir, name, profileDir}
// Prints one JSON line {requests: [...], lit, total, millis} and exits 0 when the expectation holds;
// otherwise a message on stderr and exit code 1.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = JSON.parse(process.argv[2] || '{}');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DRAW_TIMEOUT = config.drawTimeoutMs || 60_000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** A capability URL is a credential: never print the study token. */
function redact(url) {
  return url.replace(/\/wado\/[^/?\s]+/g, '/wado/{token}');
}

const PIXELS = /\/(frames\/[0-9,]+|rendered|thumbnail|bulkdata\/[^?]*)(\?|$)|\/instances\/[0-9.]+(\?|$)|\/series\/[0-9.]+(\?|$)|\/studies\/[0-9.]+(\?|$)/;

async function launch() {
  // One profile for every run: its HTTP and code caches keep OHIF's 20 MB of scripts between runs.
  const userDataDir = config.profileDir || mkdtempSync(join(tmpdir(), 'ohif-test-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 800 },
    // OHIF draws with WebGL: headless chromium has no GPU, so SwiftShader (software WebGL) it is.
    args: ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-dev-shm-usage'],
  });
  context.setDefaultTimeout(30_000);
  // OHIF's first-visit tour (Onboarding) is skipped when its id is in localStorage.shownTours.
  await context.addInitScript(() => {
    try { localStorage.setItem('shownTours', JSON.stringify(['basicViewerTour'])); } catch (e) { /* not an http page */ }
  });
  return { context, userDataDir };
}

/** Pixels of the viewport canvases that are not black. */
async function canvasStats(page) {
  return page.evaluate(() => {
    let lit = 0;
    let total = 0;
    for (const canvas of document.querySelectorAll('.viewport-element canvas, canvas.cornerstone-canvas')) {
      if (!canvas.width || !canvas.height) continue;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
      for (let i = 0; i < data.length; i += 4) {
        total++;
        if (data[i] > 8 || data[i + 1] > 8 || data[i + 2] > 8) lit++;
      }
    }
    return { lit, total };
  });
}

const { context, userDataDir } = await launch();
const page = context.pages()[0] || await context.newPage();
const requests = [];
const consoleLines = [];
page.on('console', (m) => consoleLines.push(redact(`${m.type()}: ${m.text()}`).slice(0, 400)));
page.on('pageerror', (e) => consoleLines.push(redact(`pageerror: ${e.message}`).slice(0, 400)));
page.on('response', async (response) => {
  const request = response.request();
  if (!request.url().startsWith(config.sdkOrigin)) return;
  let bytes = null;
  try { bytes = (await response.body()).length; } catch (e) { /* no body (preflight, redirect) */ }
  requests.push({ method: request.method(), url: redact(request.url()), status: response.status(), bytes,
    accept: request.headers().accept || null, contentType: response.headers()['content-type'] || null });
});
page.on('requestfailed', (request) => {
  if (!request.url().startsWith(config.sdkOrigin)) return;
  requests.push({ method: request.method(), url: redact(request.url()), status: 0, failure: request.failure()?.errorText });
});

let failed = null;
let stats = { lit: 0, total: 0 };
const millis = {};
const started = Date.now();
try {
  mkdirSync(config.outDir, { recursive: true });
  await page.goto(config.url);
  millis.loaded = Date.now() - started;
  if (config.expect === 'drawn') {
    const deadline = Date.now() + DRAW_TIMEOUT;
    while (Date.now() < deadline) {
      stats = await canvasStats(page);
      if (stats.total > 0 && stats.lit > stats.total * 0.01) break;
      await page.waitForTimeout(500);
    }
    check(stats.lit > stats.total * 0.01, `the viewport is blank (${stats.lit} of ${stats.total} pixels lit)`);
    millis.drawn = Date.now() - started;
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(config.outDir, `${config.name}.png`) });
    const bad = requests.filter((r) => r.status === 0 || r.status >= 400);
    check(bad.length === 0, `requests to the SDK failed: ${JSON.stringify(bad)}`);
  } else {
    // Refused: wait until the viewer has given up (no request in flight), then check nothing was drawn.
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(config.settleMs || 3000);
    millis.settled = Date.now() - started;
    stats = await canvasStats(page);
    await page.screenshot({ path: join(config.outDir, `${config.name}.png`) });
    check(stats.lit === 0, `something was drawn (${stats.lit} of ${stats.total} pixels lit)`);
    check(requests.some((r) => r.status === 401 || r.status === 403),
      `no 401/403 from the SDK: ${JSON.stringify(requests)}`);
    const served = requests.filter((r) => r.status >= 200 && r.status < 300 && r.method === 'GET' && PIXELS.test(r.url.split('?')[0] + '?'));
    check(served.length === 0, `pixel data was served: ${JSON.stringify(served)}`);
  }
} catch (e) {
  failed = e;
  try {
    await page.screenshot({ path: join(config.outDir, `failed-${config.name}.png`) });
  } catch (ignored) { /* best effort */ }
} finally {
  await context.close();
  if (!config.profileDir) rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ requests, lit: stats.lit, total: stats.total, millis }));
if (failed) {
  console.error(`OHIF ${config.name} failed: ${failed.message}`);
  if (consoleLines.length) console.error('Browser console:\n  ' + consoleLines.slice(-60).join('\n  '));
  process.exit(1);
}
