/**
 * The CustomMessage trigger (issue 15) through its real middy stack: the reset-code email in the
 * user's language with the link to the reset page, the limits Cognito puts on a custom message
 * (each proven by a message that breaks it), and the rule that the trigger never throws, since a
 * failing or slow trigger fails the user's ForgotPassword.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CustomMessageTriggerEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BUNDLE_DIR } from '../../infra/settings';
import { buildHandler } from '../../lambda/custom-message/handler';
import {
  MAX_EMAIL_MESSAGE_CHARS,
  MAX_EMAIL_SUBJECT_CHARS,
  messageProblem,
  plainMessage,
} from '../../lambda/custom-message/limits';
import { logger } from '../../lambda/custom-message/powertools';
import { BUNDLED_TEXTS, type TextOverrides } from '../../lambda/shared/message-texts';
import { loadCustomMessageHandler, restoreEnv } from '../support/handlers';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { customMessageEvent, TRIGGER_EMAIL, TRIGGER_SUB } from '../support/trigger-events';

const PAGE = 'https://app.example.com/reset';
const PLACEHOLDER = '{####}';

/** The trigger with settings of the test's own (the deployed one reads the environment). */
function trigger(
  settings: { resetPageUrl?: string; defaultLocale?: string; overrides?: TextOverrides } = {},
) {
  return buildHandler({
    settings: () => ({
      resetPageUrl:
        settings.resetPageUrl === undefined ? undefined : new URL(settings.resetPageUrl),
      defaultLocale: settings.defaultLocale ?? 'en',
      overrides: settings.overrides ?? {},
    }),
  });
}

async function run(
  handler: ReturnType<typeof trigger>,
  event: CustomMessageTriggerEvent,
): Promise<{ result: CustomMessageTriggerEvent; logs: string }> {
  const logs = captureLogs();
  try {
    const result = await handler(event, lambdaContext({ remainingMs: 5_000 }));
    return { result, logs: logs.text() };
  } finally {
    logs.restore();
  }
}

/** The href of the email's one link, as a browser reads it (entities decoded). */
function linkOf(html: string): URL | undefined {
  const href = /<a href="([^"]+)"/.exec(html)?.[1];
  return href === undefined ? undefined : new URL(href.replaceAll('&amp;', '&'));
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

afterEach(() => restoreEnv());

describe('the reset email, in each bundled language', () => {
  it.each(Object.keys(BUNDLED_TEXTS))('%s: its subject, its HTML, the code twice', async (lang) => {
    // Act
    const { result } = await run(
      trigger({ resetPageUrl: PAGE }),
      customMessageEvent({ locale: lang }),
    );

    // Assess
    const texts = BUNDLED_TEXTS[lang];
    const html = result.response.emailMessage ?? '';
    expect(result.response.emailSubject).toBe(texts?.forgotSubject);
    expect(html).toMatch(new RegExp(`^<!DOCTYPE html><html lang="${lang}">`));
    expect(html).toContain(texts?.forgotLinkLabel);
    // Once in the visible code, once in the link
    expect(occurrences(html, PLACEHOLDER)).toBe(2);
    expect(messageProblem({ subject: result.response.emailSubject ?? '', html }, PLACEHOLDER)).toBe(
      undefined,
    );
  });

  it.each([
    ['de-AT', undefined, 'de'],
    ['fr_CA', undefined, 'fr'],
    ['pt-BR', undefined, 'en'],
    ['pt-BR', 'es', 'es'],
    [undefined, 'de', 'de'],
    ['not a tag!', undefined, 'en'],
  ])('locale %s with default %s: %s', async (locale, defaultLocale, expected) => {
    const { result } = await run(
      trigger({ ...(defaultLocale === undefined ? {} : { defaultLocale }) }),
      customMessageEvent(locale === undefined ? {} : { locale }),
    );
    expect(result.response.emailSubject).toBe(BUNDLED_TEXTS[expected]?.forgotSubject);
    expect(result.response.emailMessage).toContain(`<html lang="${expected}">`);
  });

  it("uses a team's override over the bundled texts of its locale, escaped as text", async () => {
    const { result } = await run(
      trigger({ overrides: { de: { forgotIntro: 'Hallo <b>"Team"</b> & Co' } } }),
      customMessageEvent({ locale: 'de' }),
    );
    expect(result.response.emailMessage).toContain(
      '<p>Hallo &lt;b&gt;&quot;Team&quot;&lt;/b&gt; &amp; Co</p>',
    );
    expect(result.response.emailSubject).toBe(BUNDLED_TEXTS.de?.forgotSubject);
  });
});

describe('the link to the reset page', () => {
  it('carries the sign-in name and the code in the fragment only, never in path or query', async () => {
    // Act
    const { result } = await run(
      trigger({ resetPageUrl: `${PAGE}?app=web` }),
      customMessageEvent(),
    );

    // Assess
    const link = linkOf(result.response.emailMessage ?? '');
    expect(link?.origin).toBe('https://app.example.com');
    expect(link?.pathname).toBe('/reset');
    expect(link?.search).toBe('?app=web');
    const fragment = new URLSearchParams(link?.hash.slice(1));
    expect(fragment.get('username')).toBe(TRIGGER_EMAIL);
    expect(fragment.get('code')).toBe(PLACEHOLDER);
    expect(`${link?.pathname}${link?.search}`).not.toContain(PLACEHOLDER);
  });

  it.each([
    ['a pool signing in by email (userName is the sub)', TRIGGER_SUB, TRIGGER_EMAIL],
    ['a pool with usernames', 'jane', 'jane'],
    ['a name that needs encoding', 'a&b=c#d "x"', 'a&b=c#d "x"'],
  ])('names the user as they sign in: %s', async (_case, userName, expected) => {
    const { result } = await run(trigger({ resetPageUrl: PAGE }), customMessageEvent({ userName }));
    const link = linkOf(result.response.emailMessage ?? '');
    expect(new URLSearchParams(link?.hash.slice(1)).get('username')).toBe(expected);
  });

  it('is built from configuration and the event, never from what an API caller sent', async () => {
    const { result } = await run(
      trigger({ resetPageUrl: PAGE }),
      customMessageEvent({
        clientMetadata: { resetPageUrl: 'https://evil.example', username: 'victim@example.com' },
      }),
    );
    const html = result.response.emailMessage ?? '';
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('victim');
    expect(linkOf(html)?.origin).toBe('https://app.example.com');
  });

  it('is absent without a reset page: the email carries the code alone', async () => {
    const { result } = await run(trigger(), customMessageEvent());
    const html = result.response.emailMessage ?? '';
    expect(html).not.toContain('<a ');
    expect(occurrences(html, PLACEHOLDER)).toBe(1);
    expect(html).toContain(BUNDLED_TEXTS.en?.forgotCodeOnly.replace('{code}', '<strong'));
  });
});

describe("Cognito's limits: a message breaking one is replaced by the plain message", () => {
  const tooLong = 'x'.repeat(MAX_EMAIL_MESSAGE_CHARS);
  it.each<[string, TextOverrides]>([
    ['no code placeholder', { en: { forgotCodeLine: 'no code', forgotCodeOnly: 'no code' } }],
    ['over 20,000 characters', { en: { forgotIntro: tooLong } }],
    ['a subject over 140 characters', { en: { forgotSubject: 's'.repeat(141) } }],
    ['a blank subject', { en: { forgotSubject: '  ' } }],
    ['a subject with a line break', { en: { forgotSubject: 'Reset\nBcc: x' } }],
  ])('%s', async (_limit, overrides) => {
    // Act
    const { result, logs } = await run(trigger({ overrides }), customMessageEvent());

    // Assess
    expect(result.response).toMatchObject({
      emailSubject: plainMessage(PLACEHOLDER).subject,
      emailMessage: plainMessage(PLACEHOLDER).html,
    });
    expect(logs).toContain('Reset email replaced by the plain message');
  });

  it.each([
    [MAX_EMAIL_MESSAGE_CHARS, undefined],
    [MAX_EMAIL_MESSAGE_CHARS + 1, 'characters'],
  ])('counts characters, not UTF-16 units or bytes: %i characters', (length, problem) => {
    // 'é' is 2 UTF-8 bytes and '😀' 2 UTF-16 units; each is one character for Cognito
    const html = `${PLACEHOLDER}${'é😀'.repeat((length - PLACEHOLDER.length) / 2)}${'x'.repeat((length - PLACEHOLDER.length) % 2)}`;
    const found = messageProblem({ subject: 'Reset', html }, PLACEHOLDER);
    expect(found === undefined ? undefined : 'characters').toBe(problem);
  });

  it.each([
    [MAX_EMAIL_SUBJECT_CHARS, undefined],
    [MAX_EMAIL_SUBJECT_CHARS + 1, 'subject'],
  ])('allows a subject of at most 140 characters: %i', (length, problem) => {
    const found = messageProblem({ subject: 'ü'.repeat(length), html: PLACEHOLDER }, PLACEHOLDER);
    expect(found === undefined ? undefined : 'subject').toBe(problem);
  });

  it('keeps every limit in the plain message itself', () => {
    expect(messageProblem(plainMessage(PLACEHOLDER), PLACEHOLDER)).toBeUndefined();
  });
});

describe('the trigger never throws (a failing trigger fails the ForgotPassword)', () => {
  it('answers the plain message when its settings cannot be read', async () => {
    const handler = buildHandler({
      settings: () => {
        throw new RangeError('bad environment');
      },
    });
    const { result, logs } = await run(handler, customMessageEvent());
    expect(result.response.emailMessage).toBe(plainMessage(PLACEHOLDER).html);
    expect(logs).toContain('composing failed: RangeError');
  });

  it('answers the plain message when the middy stack itself fails (the logger throwing)', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => {
      throw new Error('logger down');
    });
    const { result } = await run(trigger({ resetPageUrl: PAGE }), customMessageEvent());
    expect(result.response.emailMessage).toBe(plainMessage(PLACEHOLDER).html);
  });

  it('answers a frozen event with a new one rather than failing to write into it', async () => {
    const event = Object.freeze({
      ...customMessageEvent(),
      response: Object.freeze({ smsMessage: null, emailMessage: null, emailSubject: null }),
    });
    const { result } = await run(trigger(), event);
    expect(result.response.emailMessage).toContain(PLACEHOLDER);
  });

  it('answers any event, however malformed, and a ForgotPassword one always with the placeholder', async () => {
    const handler = trigger({ resetPageUrl: PAGE });
    const logs = captureLogs({ keep: false });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              triggerSource: fc.constantFrom(
                'CustomMessage_ForgotPassword',
                'CustomMessage_SignUp',
                'Other',
              ),
              userName: fc.oneof(fc.string(), fc.constant(undefined)),
              request: fc.oneof(
                fc.constant(undefined),
                fc.record({
                  userAttributes: fc.oneof(
                    fc.constant(undefined),
                    fc.dictionary(fc.constantFrom('locale', 'email', 'sub'), fc.string()),
                  ),
                  codeParameter: fc.oneof(
                    fc.constant('{####}'),
                    fc.string(),
                    fc.constant(undefined),
                  ),
                }),
              ),
              response: fc.oneof(fc.constant(undefined), fc.constant({})),
            },
            { requiredKeys: ['triggerSource'] },
          ),
          async (event) => {
            const result = await handler(
              event as unknown as CustomMessageTriggerEvent,
              lambdaContext(),
            );
            if (event.triggerSource === 'CustomMessage_ForgotPassword') {
              const code = event.request?.codeParameter || PLACEHOLDER;
              expect(result.response.emailMessage).toContain(code);
            } else {
              expect(result).toEqual(event);
            }
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      logs.restore();
    }
  });

  it('cannot time out waiting on a service: the deployed bundle loads no network module and no AWS SDK', () => {
    const bundle = readFileSync(join(DEFAULT_BUNDLE_DIR, 'custom-message', 'index.mjs'), 'utf8');
    for (const module of ['node:http', 'node:https', 'node:net', 'node:tls', 'node:dns']) {
      expect(bundle, module).not.toContain(`"${module}"`);
    }
    expect(bundle).not.toMatch(/@aws-sdk\/client-/);
  });
});

describe('other messages of the pool are left to Cognito, unchanged', () => {
  it.each([
    'CustomMessage_SignUp',
    'CustomMessage_AdminCreateUser',
    'CustomMessage_ResendCode',
    'CustomMessage_UpdateUserAttribute',
    'CustomMessage_VerifyUserAttribute',
    'CustomMessage_Authentication',
  ] as const)('%s', async (triggerSource) => {
    const event = customMessageEvent({ triggerSource });
    const { result } = await run(trigger({ resetPageUrl: PAGE }), structuredClone(event));
    expect(result).toEqual(event);
  });
});

describe('what it logs', () => {
  it('names the locale and whether a link went out, never the user, the address or the message', async () => {
    const { logs } = await run(
      trigger({ resetPageUrl: PAGE }),
      customMessageEvent({ locale: 'fr' }),
    );
    expect(logs).toContain('"locale":"fr"');
    expect(logs).toContain('"withLink":true');
    for (const value of [TRIGGER_EMAIL, TRIGGER_SUB, PLACEHOLDER, 'app.example.com']) {
      expect(logs).not.toContain(value);
    }
  });
});

describe('the deployed handler reads its environment', () => {
  it.each([
    [{ resetPageUrl: PAGE, defaultLocale: 'de' }, 'de', true],
    [{ defaultLocale: 'fr', messageTexts: '{"fr":{"forgotSubject":"Nouveau"}}' }, 'fr', false],
    // A hand-edited environment the synth would have refused: the plain message, not a failure
    [{ resetPageUrl: 'http://app.example.com' }, 'plain', false],
  ])('%j', async (env, expected, withLink) => {
    const handler = await loadCustomMessageHandler(env);
    const { result } = await run(handler, customMessageEvent());
    const html = result.response.emailMessage ?? '';
    if (expected === 'plain') expect(html).toBe(plainMessage(PLACEHOLDER).html);
    else expect(html).toContain(`<html lang="${expected}">`);
    expect(linkOf(html) !== undefined).toBe(withLink);
    if ('messageTexts' in env) expect(result.response.emailSubject).toBe('Nouveau');
  });
});
