// Drives the demo viewer in Debian's chromium: one scenario per run.
//   node viewer-test.mjs '<json>'   with {scenario, viewerUrl, adminUrl, outDir, patient: {id, name}, otherNames,
//                                         studyUids, imagingBase?}
// Exit code 0 when the scenario passes; otherwise a message on stderr and exit code 1.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = JSON.parse(process.argv[2] || '{}');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 20_000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'viewer-test-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  context.setDefaultTimeout(TIMEOUT);
  return { context, userDataDir };
}

async function screenshot(page, name) {
  mkdirSync(config.outDir, { recursive: true });
  await page.screenshot({ path: join(config.outDir, name) });
}

/** Opens the viewer and signs in at the demo EHR; "approve" or "deny". */
async function signIn(page, decision = 'approve') {
  let url = config.viewerUrl;
  if (config.imagingBase) url += `?imaging=${encodeURIComponent(config.imagingBase)}`;
  await page.goto(url);
  await page.locator('#connect').waitFor({ state: 'visible' });
  await page.click('#sign-in');
  await page.locator(`input[name=patient][value="${config.patient.id}"]`).check();
  if (config.scenario === 'login') await screenshot(page, 'ehr-consent.png');
  await page.click(decision === 'approve' ? '#approve' : '#deny');
}

async function canvasStats(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('image-canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    const levels = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 8 || data[i + 1] > 8 || data[i + 2] > 8) lit++;
      levels.add(data[i]);
    }
    return { lit, total: data.length / 4, levels: levels.size, drawn: canvas.dataset.drawn || null };
  });
}

async function studiesShown(page) {
  await page.locator('body[data-ready=true]').waitFor();
  const name = (await page.textContent('#patient-name')).trim();
  check(name === config.patient.name, `patient name shown is "${name}", expected "${config.patient.name}"`);
  const uids = await page.$$eval('.study', (els) => els.map((e) => e.dataset.studyUid).sort());
  const expected = [...config.studyUids].sort();
  check(JSON.stringify(uids) === JSON.stringify(expected),
    `studies shown ${JSON.stringify(uids)}, expected exactly ${JSON.stringify(expected)}`);
  const text = await page.textContent('body');
  for (const other of config.otherNames) check(!text.includes(other), `another patient's name (${other}) is on the page`);
}

async function firstThumbnailLoaded(page) {
  await page.waitForFunction(() => {
    const img = document.querySelector('.series-thumb .thumb img');
    return img && img.complete && img.naturalWidth > 0;
  });
}

async function scenarioLogin(page) {
  await signIn(page);
  await studiesShown(page);
  await firstThumbnailLoaded(page);
  await page.waitForFunction(() => [...document.querySelectorAll('.thumb')].every((t) => t.querySelector('img') || /no preview/.test(t.textContent)));
  await screenshot(page, 'viewer-studies.png');

  const series = config.openSeries ? page.locator('.series-thumb', { hasText: config.openSeries }) : page.locator('.series-thumb');
  await series.first().click();
  await page.waitForFunction(() => document.getElementById('image-canvas').dataset.drawn);
  const stats = await canvasStats(page);
  check(stats.lit > stats.total * 0.01, `the image canvas is blank (${stats.lit} of ${stats.total} pixels lit)`);
  check(stats.levels > 8, `the image has only ${stats.levels} gray levels`);
  await screenshot(page, 'viewer-image.png');

  // scroll to the next image, then change the window
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((before) => document.getElementById('image-canvas').dataset.drawn !== before, stats.drawn);
  const before = await canvasStats(page);
  const mean = () => page.evaluate(() => {
    const canvas = document.getElementById('image-canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i];
    return sum / (data.length / 4);
  });
  const meanBefore = await mean();
  const renders = [];
  page.on('request', (r) => { if (r.url().includes('/rendered?window=')) renders.push(r.url()); });
  await page.fill('#ww', '100');
  await page.locator('#ww').dispatchEvent('change');
  await page.waitForFunction(() => true);
  await page.waitForTimeout(800);
  check(renders.length > 0, 'changing the window did not ask the server for a new rendering');
  const meanAfter = await mean();
  check(Math.abs(meanAfter - meanBefore) > 1, `window/level did not change the image (mean ${meanBefore} -> ${meanAfter})`);
  await page.click('#zoom-in');
  check(/^\d+%$/.test(await page.textContent('#zoom-level')), 'no zoom level shown');
  check(before.lit > 0, 'blank before window/level');
  await page.click('#close-view');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.study .download').first().click()]);
  const path = await download.path();
  const { statSync, readFileSync } = await import('node:fs');
  check(download.suggestedFilename().endsWith('.zip'), `download named ${download.suggestedFilename()}`);
  const bytes = readFileSync(path);
  check(statSync(path).size > 1000 && bytes.readUInt32LE(0) === 0x04034b50, 'the study download is not a ZIP archive');
  check(bytes.includes(Buffer.from('DICM')), 'the study download holds no DICOM file');
}

/**
 * The imaging server is its own authorization server: after the EHR sign-in the viewer asks it for
 * access; the EHR answers silently (no second login page), the imaging server shows its consent page.
 */
async function toImagingConsent(page) {
  const ehrPages = [];
  page.on('response', (r) => {
    if (r.url().includes('/demo-ehr/auth/authorize') && r.request().method() === 'GET' && r.status() === 200) ehrPages.push(r.url());
  });
  await signIn(page);
  await page.locator('h1', { hasText: 'Authorize access to imaging studies' }).waitFor();
  check(ehrPages.length === 1, `the EHR showed ${ehrPages.length} sign-in pages, expected 1 (the second sign-in must be silent)`);
  const text = await page.textContent('body');
  check(text.includes(config.patient.name), `the imaging consent page does not name the patient ${config.patient.name}`);
  check(text.includes('smart-imaging-viewer'), 'the imaging consent page does not name the app');
  await screenshot(page, `imaging-consent-${config.scenario}.png`);
}

async function scenarioIndependent(page) {
  await toImagingConsent(page);
  await page.click('#approve');
  await studiesShown(page);
  await firstThumbnailLoaded(page);
  await screenshot(page, 'independent-studies.png');
  await page.locator('.series-thumb').first().click();
  await page.waitForFunction(() => document.getElementById('image-canvas').dataset.drawn);
  const stats = await canvasStats(page);
  check(stats.lit > stats.total * 0.01, `the image canvas is blank (${stats.lit} of ${stats.total} pixels lit)`);
  await screenshot(page, 'independent-image.png');
}

async function scenarioIndependentDenied(page) {
  await toImagingConsent(page);
  await page.click('#deny');
  await page.locator('#error').waitFor({ state: 'visible' });
  const text = await page.textContent('#error-text');
  check(/declined to share your imaging studies/.test(text), `the message after denying at the imaging server was: "${text}"`);
  check(await page.isVisible('#connect'), 'the sign-in form is not offered again');
  await screenshot(page, 'independent-denied.png');
}

async function scenarioEnded(page, action) {
  await signIn(page);
  await studiesShown(page);
  const response = await fetch(config.adminUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action, all: 'true' }),
  });
  check(response.ok, `the EHR's admin hook answered ${response.status}`);
  await page.reload();
  await page.locator('#error').waitFor({ state: 'visible' });
  const text = await page.textContent('#error-text');
  check(/expired or was revoked/.test(text), `the message after the token ${action}d was: "${text}"`);
  check(await page.isVisible('#error-action'), 'no way to sign in again is offered');
  await screenshot(page, `viewer-token-${action}d.png`);
}

async function scenarioDenied(page) {
  await signIn(page, 'deny');
  await page.locator('#error').waitFor({ state: 'visible' });
  const text = await page.textContent('#error-text');
  check(/declined/.test(text), `the message after denying consent was: "${text}"`);
  check(await page.isVisible('#connect'), 'the sign-in form is not offered again');
  await screenshot(page, 'viewer-denied.png');
}

async function scenarioRetrieving(page) {
  await signIn(page);
  await studiesShown(page);
  await page.waitForFunction(() => /retrieving/.test(document.getElementById('studies').textContent));
  await screenshot(page, 'viewer-retrieving.png');
  await firstThumbnailLoaded(page);
}

async function scenarioUnreachable(page) {
  await page.goto(config.viewerUrl);
  await page.locator('#connect').waitFor({ state: 'visible' });
  await page.fill('#fhir-base', config.unreachableBase);
  await page.click('#sign-in');
  await page.locator('#error').waitFor({ state: 'visible' });
  const text = await page.textContent('#error-text');
  check(/Cannot reach/.test(text), `the message for an unreachable EHR was: "${text}"`);
}

const scenarios = {
  login: scenarioLogin,
  expired: (page) => scenarioEnded(page, 'expire'),
  revoked: (page) => scenarioEnded(page, 'revoke'),
  denied: scenarioDenied,
  retrieving: scenarioRetrieving,
  unreachable: scenarioUnreachable,
  independent: scenarioIndependent,
  'independent-denied': scenarioIndependentDenied,
};

const { context, userDataDir } = await launch();
const page = context.pages()[0] || await context.newPage();
const consoleLines = [];
page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
let failed = null;
try {
  const run = scenarios[config.scenario];
  check(run, `unknown scenario ${config.scenario}`);
  await run(page);
} catch (e) {
  failed = e;
  try {
    await screenshot(page, `failed-${config.scenario}.png`);
    writeFileSync(join(config.outDir, `failed-${config.scenario}.html`), await page.content());
  } catch (ignored) { /* best effort */ }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failed) {
  console.error(`Scenario ${config.scenario} failed: ${failed.message}`);
  if (consoleLines.length) console.error('Browser console:\n  ' + consoleLines.join('\n  '));
  process.exit(1);
}
console.log(`Scenario ${config.scenario} passed`);
