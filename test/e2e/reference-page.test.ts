/**
 * The reference client page in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): served from its own origin, it calls the API cross-origin, so the browser
 * enforces the API's CORS exactly as for any public client.
 */

import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser } from '../../local/seed';
import { cognitoOf, errorNameOf, latestCode, type Mail, mailbox, signIn } from './http-client';
import { REPOSITORY_ROOT, startStack, stopStack, type TestStack } from './local-stack';
import { printLogOnFailure } from './stack-log';

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

/**
 * The page in a browser with JavaScript off, as a user without it would have it, and every request
 * that browser makes. `withoutCsp` serves it as if without its Content-Security-Policy (a copy of
 * the page on another server), so that the markup alone is what keeps the values out of URLs.
 */
async function openPageWithoutJavaScript(withoutCsp: boolean) {
  if (!browser) throw new Error('the browser did not start');
  const context = await browser.newContext({ javaScriptEnabled: false, bypassCSP: withoutCsp });
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  const page = await context.newPage();
  await page.goto(info().clientPageUrl);
  return { page, requests, close: () => context.close() };
}

/** Every request `page` makes from now on. */
function recordRequests(page: Page): Request[] {
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  return requests;
}

/** The URLs among `urls` that hold any of `values`, as typed or URL-encoded. */
function urlsHolding(urls: readonly string[], values: readonly string[]): string[] {
  return urls.filter((url) =>
    values.some((value) => url.includes(value) || url.includes(encodeURIComponent(value))),
  );
}

const MISMATCH = 'The two passwords do not match. Type the same new password in both fields.';

async function newUser(locale?: string): Promise<{ email: string; password: string }> {
  const user = {
    email: `page-${randomUUID()}@example.com`,
    password: `initial-password-${randomUUID()}`,
  };
  const cognito = cognitoOf(info());
  await ensureUser(cognito, info().userPoolId, user.email, user.password);
  if (locale !== undefined) {
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: info().userPoolId,
        Username: user.email,
        UserAttributes: [{ Name: 'locale', Value: locale }],
      }),
    );
  }
  cognito.destroy();
  return user;
}

/** Requests a code on the page, as a user would, and returns the code email from the mailbox. */
async function requestCodeOnPage(email: string): Promise<Mail> {
  const page = await openPage();
  await page.fill('#forgot-username', email);
  await page.click('#forgot-form button');
  await expect
    .poll(() => page.textContent('#status'), { timeout: 15_000 })
    .toContain('If an account matches');
  await page.close();
  const mail = (await mailbox(info(), email)).find((entry) => entry.kind === 'code');
  if (!mail) throw new Error(`no code email for ${email}`);
  return mail;
}

/** The email's HTML rendered in the browser, as a mail client shows it; a screenshot is kept. */
async function renderEmail(mail: Mail, screenshot: string): Promise<Page> {
  if (!browser) throw new Error('the browser did not start');
  const page = await browser.newPage({ javaScriptEnabled: false });
  await page.setContent(mail.html ?? '');
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  return page;
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
    const requests = recordRequests(page);

    // Act: request a code
    await page.fill('#forgot-username', user.email);
    await page.click('#forgot-form button');
    await expect.poll(() => page.textContent('#status')).toContain('If an account matches');
    // Act: read it from the mailbox, as from the user's inbox, and set the new password
    const code = await latestCode(info(), user.email);
    expect(await page.inputValue('#confirm-username')).toBe(user.email);
    await page.fill('#confirm-code', code);
    await page.fill('#confirm-password', newPassword);
    await page.fill('#confirm-password-again', newPassword);
    await page.click('#confirm-form button');
    await expect
      .poll(() => page.textContent('#status'), { timeout: 15_000 })
      .toContain('Your password has been changed');
    await page.screenshot({ path: join(ARTIFACTS, 'reference-page-success.png'), fullPage: true });

    // Assess: the API got the one password, once; the page keeps neither copy
    const confirms = requests.filter(
      (request) => request.method() === 'POST' && request.url().endsWith('/password/confirm'),
    );
    expect(confirms.map((request) => request.postDataJSON())).toEqual([
      { username: user.email, code, password: newPassword },
    ]);
    expect(await page.getAttribute('#status', 'class')).toBe('success');
    expect(await page.inputValue('#confirm-password')).toBe('');
    expect(await page.inputValue('#confirm-password-again')).toBe('');
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
    const newPassword = `page-new-password-${randomUUID()}`;
    await page.fill('#confirm-code', code === '000000' ? '111111' : '000000');
    await page.fill('#confirm-password', newPassword);
    await page.fill('#confirm-password-again', newPassword);
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

  it('refuses two different new passwords on the page, and sends nothing until they match', async () => {
    // Prepare: a real code, so that a request sent with either password would reset the password
    const user = await newUser();
    const newPassword = `page-new-password-${randomUUID()}`;
    const page = await openPage();
    const requests = recordRequests(page);
    const again = page.getByLabel('Repeat the new password');
    expect(await again.count()).toBe(1);
    expect({
      type: await again.getAttribute('type'),
      autocomplete: await again.getAttribute('autocomplete'),
      required: await again.getAttribute('required'),
    }).toEqual({ type: 'password', autocomplete: 'new-password', required: '' });
    await page.fill('#forgot-username', user.email);
    await page.click('#forgot-form button');
    await expect
      .poll(() => page.textContent('#status'), { timeout: 15_000 })
      .toContain('If an account matches');
    const code = await latestCode(info(), user.email);

    // Act: two passwords that differ
    await page.fill('#confirm-code', code);
    await page.fill('#confirm-password', newPassword);
    await again.fill(`${newPassword}-typo`);
    await page.click('#confirm-form button');

    // Assess: an error on the repeated field, announced, and nothing sent
    await expect.poll(() => page.textContent('#confirm-password-again-error')).toBe(MISMATCH);
    expect(await again.getAttribute('aria-invalid')).toBe('true');
    expect(await again.getAttribute('aria-describedby')).toBe('confirm-password-again-error');
    expect(await page.getAttribute('#confirm-password-again-error', 'aria-live')).toBe('polite');
    expect(await page.evaluate('document.activeElement.id')).toBe('confirm-password-again');
    await page.screenshot({
      path: join(ARTIFACTS, 'reference-page-password-mismatch.png'),
      fullPage: true,
    });

    // Act: the user corrects the repeated password and sends again
    await again.fill(newPassword);
    expect(await again.getAttribute('aria-invalid')).toBeNull();
    expect(await page.textContent('#confirm-password-again-error')).toBe('');
    await page.click('#confirm-form button');
    await expect
      .poll(() => page.textContent('#status'), { timeout: 15_000 })
      .toContain('Your password has been changed');

    // Assess: the one request to /password/confirm is the matching one (had the first attempt sent
    // anything, it would be recorded before it, and would have used the code up)
    const confirms = requests.filter((request) => request.url().endsWith('/password/confirm'));
    expect(confirms.map((request) => [request.method(), request.postDataJSON()])).toEqual([
      ['POST', { username: user.email, code, password: newPassword }],
    ]);
    expect(
      (await signIn(info(), user.email, newPassword)).AuthenticationResult?.AccessToken,
    ).toBeTruthy();
    await page.close();
  }, 60_000);

  const FORMS = [
    {
      form: 'forgot',
      fields: () => ({ '#forgot-username': `nojs-${randomUUID()}@example.com` }),
    },
    {
      form: 'confirm',
      fields: () => {
        const password = `nojs-password-${randomUUID()}`;
        return {
          '#confirm-username': `nojs-${randomUUID()}@example.com`,
          '#confirm-code': String(randomInt(100_000, 1_000_000)),
          '#confirm-password': password,
          '#confirm-password-again': password,
        };
      },
    },
  ] as const;

  it.each(FORMS)(
    'without JavaScript, the $form form puts none of its values in a URL',
    async ({ form, fields }) => {
      // The page as served, then as if served without its CSP: the markup alone must hold.
      for (const withoutCsp of [true, false]) {
        // Prepare
        const values = fields();
        const { page, requests, close } = await openPageWithoutJavaScript(withoutCsp);
        try {
          const urls = () => [page.url(), ...requests.map((request) => request.url())];
          const outsideTheBrowser = () =>
            requests.filter(
              (request) => request.method() !== 'GET' || new URL(request.url()).search !== '',
            );
          expect(await page.isVisible('.notice')).toBe(true);
          expect(await page.textContent('.notice')).toBe(
            'This page needs JavaScript to reset your password.',
          );
          for (const [selector, value] of Object.entries(values)) await page.fill(selector, value);
          const last = Object.keys(values).at(-1) ?? '';

          // Act / Assess: the ways a user submits a form submit nothing (Playwright waits for any
          // navigation an action starts)
          const nothingSubmitted = (how: string) => {
            expect({ withoutCsp, how, leaks: urlsHolding(urls(), Object.values(values)) }).toEqual({
              withoutCsp,
              how,
              leaks: [],
            });
            expect({ withoutCsp, how, url: page.url() }).toEqual({
              withoutCsp,
              how,
              url: new URL(info().clientPageUrl).href,
            });
            expect(outsideTheBrowser()).toEqual([]);
          };
          await page.press(last, 'Enter', { timeout: 15_000 });
          nothingSubmitted('Enter');
          await page.click(`#${form}-form button`, { force: true, timeout: 15_000 });
          nothingSubmitted('click');

          // Act: a submission made anyway (say, by a password manager's auto-submit)
          await Promise.all([
            page.waitForEvent('framenavigated', { timeout: 15_000 }),
            page.locator(`#${form}-form`).evaluate((element) => {
              (element as unknown as { requestSubmit(): void }).requestSubmit();
            }),
          ]);

          // Assess: it went nowhere, and the values stayed in no URL
          expect({ withoutCsp, leaks: urlsHolding(urls(), Object.values(values)) }).toEqual({
            withoutCsp,
            leaks: [],
          });
          expect(page.url()).toBe('about:blank');
          expect(outsideTheBrowser()).toEqual([]);
        } finally {
          await close();
        }
      }
    },
    60_000,
  );
});

describe('the link in the reset email', () => {
  it('opens the page with the username and code taken in, asks only for the password, and resets it', async () => {
    // Prepare: a code requested on the page, the email read from the mailbox
    const user = await newUser();
    const mail = await requestCodeOnPage(user.email);
    const code = mail.code ?? '';
    expect(mail.subject).toBe('Reset your password');
    expect(mail.html).toContain(
      `<strong style="font-size:20px;letter-spacing:2px">${code}</strong>`,
    );
    expect(mail.html).not.toContain('{####}');
    expect(mail.text).toContain(`Choose a new password: ${mail.link}`);
    const email = await renderEmail(mail, 'reset-email-en.png');
    const href = await email.getAttribute('a', 'href');
    await email.close();
    expect(href).toBe(mail.link);
    const link = new URL(mail.link ?? '');
    expect(`${link.origin}${link.pathname}${link.search}`).toBe(`${info().clientPageUrl}/`);
    expect(Object.fromEntries(new URLSearchParams(link.hash.slice(1)))).toEqual({
      username: user.email,
      code,
    });

    // Act: open the link
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.newPage();
    const requests = recordRequests(page);
    await page.goto(link.href);

    // Assess: taken in, removed from the address bar, only the password asked, the policy stated
    expect(await page.inputValue('#confirm-username')).toBe(user.email);
    expect(await page.inputValue('#confirm-code')).toBe(code);
    expect(await page.isVisible('#confirm-code')).toBe(false);
    expect(await page.isVisible('#confirm-username')).toBe(false);
    expect(await page.isVisible('#forgot-form')).toBe(false);
    expect(await page.isVisible('#confirm-password')).toBe(true);
    expect(page.url()).toBe(`${info().clientPageUrl}/`);
    expect(await page.textContent('#from-link')).toBe(`Choose a new password for ${user.email}.`);
    expect(await page.textContent('#password-policy')).toBe(
      'Your new password needs at least 15 characters; any characters are allowed.',
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'reference-page-from-link.png'),
      fullPage: true,
    });

    // Act: set the new password
    const newPassword = `link-new-password-${randomUUID()}`;
    await page.fill('#confirm-password', newPassword);
    await page.fill('#confirm-password-again', newPassword);
    await page.click('#confirm-form button');
    await expect
      .poll(() => page.textContent('#status'), { timeout: 15_000 })
      .toContain('Your password has been changed');

    // Assess: the new password signs in; the code never left the browser in a URL
    expect(
      (await signIn(info(), user.email, newPassword)).AuthenticationResult?.AccessToken,
    ).toBeTruthy();
    const getRequests = requests.filter((request) => request.method() === 'GET');
    expect(getRequests.length).toBeGreaterThan(0);
    expect(
      urlsHolding(
        getRequests.map((request) => request.url()),
        [code],
      ),
    ).toEqual([]);
    for (const request of requests) {
      expect(await request.headerValue('referer'), request.url()).toBeNull();
    }
    await page.close();
  }, 60_000);

  it("writes a German user's email in German", async () => {
    // Prepare
    const user = await newUser('de-DE');

    // Act
    const mail = await requestCodeOnPage(user.email);

    // Assess
    expect(mail.subject).toBe('Passwort zurücksetzen');
    expect(mail.text).toContain(`Neues Passwort wählen: ${mail.link}`);
    const email = await renderEmail(mail, 'reset-email-de.png');
    expect(await email.getAttribute('html', 'lang')).toBe('de');
    expect(await email.textContent('h1')).toBe('Passwort zurücksetzen');
    expect(await email.textContent('a')).toBe('Neues Passwort wählen');
    await email.close();
  }, 60_000);

  it('answers a tampered link (a wrong code) with the one INVALID_CODE answer, and offers a new code', async () => {
    // Prepare
    const user = await newUser();
    const mail = await requestCodeOnPage(user.email);
    const wrong = mail.code === '000000' ? '111111' : '000000';
    const tampered = (mail.link ?? '').replace(`code=${mail.code}`, `code=${wrong}`);
    expect(tampered).toContain(`code=${wrong}`);
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.newPage();
    const requests = recordRequests(page);

    // Act
    await page.goto(tampered);
    const newPassword = `link-new-password-${randomUUID()}`;
    await page.fill('#confirm-password', newPassword);
    await page.fill('#confirm-password-again', newPassword);
    await page.click('#confirm-form button');
    await expect.poll(() => page.getAttribute('#status', 'class')).toBe('error');

    // Assess
    const confirm = requests.find((request) => request.url().endsWith('/password/confirm'));
    const answer = await confirm?.response();
    expect(answer?.status()).toBe(400);
    expect((await answer?.json()) as { code: string }).toMatchObject({ code: 'INVALID_CODE' });
    expect(await page.textContent('#status')).toBe(
      'The code is invalid or has expired. Request a new code.',
    );
    expect(await page.isVisible('#forgot-form')).toBe(true);
    expect(await page.isVisible('#confirm-code')).toBe(true);
    expect((await signIn(info(), user.email, user.password)).AuthenticationResult).toBeDefined();
    await page.close();
  }, 60_000);
});
