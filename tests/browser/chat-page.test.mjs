// Two members open the chat page in headless Chromium, exchange messages, and each sees the other's live.
// Usage: node chat-page.test.mjs <base address of the HTTP server> [screenshot path]
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, screenshot = 'docs/chat-page.png'] = process.argv.slice(2);
if (!baseUrl) {
  console.error('usage: node chat-page.test.mjs <http server address> [screenshot path]');
  process.exit(2);
}

const timeout = 20_000;
const id = Math.random().toString(36).slice(2, 8);
const alice = `alice-${id}`;
const bob = `bob-${id}`;
const profile = mkdtempSync(join(tmpdir(), 'chat-browser-'));

// A persistent context is how Playwright takes a fresh --user-data-dir of our own.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 720, height: 640 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

try {
  const [pageA, pageB] = [await context.newPage(), await context.newPage()];
  await openConversation(pageA, alice, bob);
  await openConversation(pageB, bob, alice);

  await say(pageA, 'Hello Bob, are you there?');
  await expectMessage(pageB, 'Hello Bob, are you there?', alice);

  await say(pageB, 'Hi Alice! Live and well.');
  await expectMessage(pageA, 'Hi Alice! Live and well.', bob);

  await say(pageA, 'Great, see you soon.');
  await expectMessage(pageB, 'Great, see you soon.', alice);

  // Each page shows every message once, in the order sent.
  const expected = ['Hello Bob, are you there?', 'Hi Alice! Live and well.', 'Great, see you soon.'];
  for (const page of [pageA, pageB]) {
    await page.waitForFunction((count) => document.querySelectorAll('#messages li').length === count,
      expected.length, { timeout });
    assert.deepEqual(await texts(page), expected);
  }

  await pageA.screenshot({ path: screenshot });
  console.log(`chat page test passed; screenshot saved to ${screenshot}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

async function openConversation(page, me, other) {
  await page.goto(baseUrl, { timeout });
  await page.getByLabel('Your name').fill(me);
  await page.getByLabel('Talking to').fill(other);
  await page.getByRole('button', { name: 'Open' }).click();
  await page.locator('#status.live').waitFor({ timeout });
}

async function say(page, text) {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

async function expectMessage(page, text, sender) {
  const item = page.locator('#messages li', { hasText: text });
  await item.waitFor({ timeout });
  assert.match(await item.locator('.meta').innerText(), new RegExp(`^${sender} `));
}

async function texts(page) {
  return page.locator('#messages li').evaluateAll((items) =>
    items.map((item) => item.lastChild.textContent));
}
