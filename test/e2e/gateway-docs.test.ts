// GET /docs in a real browser (Debian's chromium driven by playwright-core): the page is served whole by the
// gateway (no CDN), lists the schema's paths, and "Try it out" reaches the gateway. Screenshot: .tmp/gateway-docs.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, isolatedEnv } from '../helpers/cli';
import { type Serve, startServe } from '../helpers/serve';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe.skipIf(!existsSync(CHROMIUM))(`GET /docs in chromium (skipped: no ${CHROMIUM}; apt-get install chromium)`, () => {
  let gw: Serve;
  let profile: string;
  beforeAll(async () => {
    gw = await startServe([], isolatedEnv());
    profile = mkdtempSync(join(tmpdir(), 'pvecli-chromium-'));
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    rmSync(profile, { recursive: true, force: true });
  });

  it('lists the paths and answers "Try it out" on GET /version from the gateway', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      const page = await browser.newPage();
      const outside: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(gw.url)) outside.push(r.url());
      });
      // PVE's ~700 operations take Swagger UI seconds to read (more on a busy machine): the tags are drawn last.
      await page.goto(`${gw.url}/docs`);
      await page.locator('.opblock-tag', { hasText: 'version' }).waitFor({ timeout: 25_000 });
      expect(await page.locator('.opblock-tag').allInnerTexts()).toEqual(['access', 'cluster', 'nodes', 'pools', 'storage', 'version']);
      await page.locator('.opblock-tag', { hasText: 'pools' }).click();
      await page.locator('.opblock-summary-path[data-path="/pools/{poolid}"]').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('.opblock-summary-path[data-path="/pools"]').count()).toBeGreaterThan(0);
      await page.locator('.opblock-tag', { hasText: 'version' }).click();
      const version = page.locator('#operations-version-get_version');
      await version.locator('.opblock-summary').click();
      await version.getByRole('button', { name: 'Try it out' }).click();
      await version.getByRole('button', { name: 'Execute' }).click();
      const body = version.locator('.live-responses-table tbody .response-col_description pre').first();
      await body.waitFor({ timeout: 5_000 });
      expect(await version.locator('.live-responses-table tbody .response-col_status').first().innerText()).toBe('200');
      expect(JSON.parse(await body.innerText())).toMatchObject({ data: { release: '9.2' } });
      expect(await version.locator('.request-url pre').innerText()).toBe(`${gw.url}/api2/json/version`);
      await body.scrollIntoViewIfNeeded();
      mkdirSync(join(ROOT, '.tmp'), { recursive: true });
      await page.screenshot({ path: join(ROOT, '.tmp/gateway-docs.png'), fullPage: false });
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 45_000);
});
