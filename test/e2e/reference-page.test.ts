/**
 * The reference client page in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): served from its own origin, it calls the API cross-origin, so the browser
 * enforces the API's CORS exactly as for any public client.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser } from '../../local/seed';
import { cognitoOf, errorNameOf, latestCode, signIn } from './http-client';
import {
  printLogOnFailure,
  REPOSITORY_ROOT,
  startStack,
  stopStack,
  type TestStack,
} from './local-stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** Screenshots are kept as test artifacts (git-ignored). */
const ARTIFACTS = join(REPOSITORY_ROOT, 'test-results', 'e2e');

let stack: TestStack | undefined;
let browser: Browser | undefined;
let starting: Promise<TestStack> | undefined;
printLogOnFailure(() => stack);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Both at once, each kept as soon as it is up so afterAll can stop it whatever fails.
  starting = startStack().then((started) => {
    stack = started;
    return started;
  });
  await Promise.all([
    starting,
    chromium
      .launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
      .catch((error: Error) => {
        throw new Error(
          `cannot start Chromium at ${CHROMIUM} (install Debian's package: apt-get install chromium): ${error.message}`,
        );
      })
      .then((launched) => {
        browser = launched;
      }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  // A start still under way (the browser failed first) is awaited, so it is stopped too.
  await stopStack(stack ?? (await starting?.catch(() => undefined)));
});

const info = () => {
  if (!stack) throw new Error('the stack did not start');
  return stack.info;
};

async function openPage(): Promise<Page> {
  if (!browser) throw new Error('the browser did not start');
  const page = await browser.newPage();
  await page.goto(info().clientPageUrl);
  return page;
}

async function newUser(): Promise<{ email: string; password: string }> {
  const user = {
    email: `page-${randomUUID()}@example.com`,
    password: `initial-password-${randomUUID()}`,
  };
  await ensureUser(cognitoOf(info()), info().userPoolId, user.email, user.password);
  return user;
}

describe('the reference reset page', () => {
  it('is served from another origin than the API', () => {
    expect(new URL(info().clientPageUrl).origin).not.toBe(new URL(info().apiUrl).origin);
    expect(info().allowedOrigins).toContain(new URL(info().clientPageUrl).origin);
  });

  it('lets a user request a code, set a new password from it, and see success', async () => {
    // Prepare
    const user = await newUser();
    const newPassword = `page-new-password-${randomUUID()}`;
    const page = await openPage();

    // Act: request a code
    await page.fill('#forgot-username', user.email);
    await page.click('#forgot-form button');
    await expect.poll(() => page.textContent('#status')).toContain('If an account matches');
    // Act: read it from the mailbox, as from the user's inbox, and set the new password
    const code = await latestCode(info(), user.email);
    expect(await page.inputValue('#confirm-username')).toBe(user.email);
    await page.fill('#confirm-code', code);
    await page.fill('#confirm-password', newPassword);
    await page.click('#confirm-form button');
    await expect
      .poll(() => page.textContent('#status'))
      .toContain('Your password has been changed');
    await page.screenshot({ path: join(ARTIFACTS, 'reference-page-success.png'), fullPage: true });

    // Assess
    expect(await page.getAttribute('#status', 'class')).toBe('success');
    expect(await page.inputValue('#confirm-password')).toBe('');
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).toBe('{}{}');
    expect(
      (await signIn(info(), user.email, newPassword)).AuthenticationResult?.AccessToken,
    ).toBeTruthy();
    expect(await errorNameOf(signIn(info(), user.email, user.password))).toBe(
      'NotAuthorizedException',
    );
    await page.close();
  });

  it("shows the API's problem detail for a wrong code", async () => {
    // Prepare
    const user = await newUser();
    const page = await openPage();
    await page.fill('#forgot-username', user.email);
    await page.click('#forgot-form button');
    await expect.poll(() => page.textContent('#status')).toContain('If an account matches');
    const code = await latestCode(info(), user.email);

    // Act
    await page.fill('#confirm-code', code === '000000' ? '111111' : '000000');
    await page.fill('#confirm-password', `page-new-password-${randomUUID()}`);
    await page.click('#confirm-form button');
    await expect.poll(() => page.getAttribute('#status', 'class')).toBe('error');
    await page.screenshot({
      path: join(ARTIFACTS, 'reference-page-wrong-code.png'),
      fullPage: true,
    });

    // Assess
    expect(await page.textContent('#status')).toBe(
      'The code is invalid or has expired. Request a new code.',
    );
    expect((await signIn(info(), user.email, user.password)).AuthenticationResult).toBeDefined();
    await page.close();
  });
});
