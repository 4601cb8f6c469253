import { describe, expect, it } from 'vitest';
import {
  BUNDLED_TEXTS,
  escapeHtml,
  fill,
  MessageTextsError,
  normaliseLocale,
  parseDefaultLocale,
  parseTextOverrides,
  REQUIRED_PLACEHOLDERS,
  TEXT_KEYS,
  textsFor,
} from '../../lambda/shared/message-texts.js';

const LANGUAGES = ['en', 'de', 'fr', 'es'];

describe('each bundled language', () => {
  it('ships English, German, French and Spanish', () => {
    expect(Object.keys(BUNDLED_TEXTS).sort()).toEqual([...LANGUAGES].sort());
  });

  it.each(LANGUAGES)('%s has exactly the keys of English', (language) => {
    expect(Object.keys(BUNDLED_TEXTS[language] ?? {}).sort()).toEqual([...TEXT_KEYS].sort());
  });

  it.each(LANGUAGES)('%s keeps every required placeholder', (language) => {
    const texts = BUNDLED_TEXTS[language];
    for (const [key, placeholders] of Object.entries(REQUIRED_PLACEHOLDERS)) {
      for (const placeholder of placeholders ?? []) {
        expect(texts?.[key as keyof typeof texts], `${language}.${key}`).toContain(placeholder);
      }
    }
  });

  it.each(LANGUAGES)('%s has no empty text', (language) => {
    for (const key of TEXT_KEYS) expect(BUNDLED_TEXTS[language]?.[key].trim()).not.toBe('');
  });
});

describe('locale resolution (BCP 47 with fallbacks)', () => {
  const settings = { defaultLocale: 'en', overrides: {} };
  it.each([
    ['de', 'de'],
    ['de-AT', 'de'],
    ['FR-ca', 'fr'],
    ['es_MX', 'es'],
    ['pt-BR', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    ['not a tag!', 'en'],
  ])('%s -> %s', (requested, expected) => {
    expect(textsFor(requested, settings).locale).toBe(expected);
  });

  it('falls back to the configured default locale', () => {
    expect(textsFor('pt-BR', { defaultLocale: 'de', overrides: {} }).texts).toEqual(
      BUNDLED_TEXTS.de,
    );
  });

  it('prefers the longest tag a team supplied (pt-BR -> pt)', () => {
    const overrides = parseTextOverrides('{"pt":{"forgotSubject":"Redefina sua senha"}}');
    const chosen = textsFor('pt-BR', { defaultLocale: 'en', overrides });
    expect(chosen.locale).toBe('pt');
    expect(chosen.texts.forgotSubject).toBe('Redefina sua senha');
    expect(chosen.texts.forgotIntro).toBe(BUNDLED_TEXTS.en?.forgotIntro);
  });

  it('normalises tags', () => {
    expect(normaliseLocale(' pt_BR ')).toBe('pt-br');
    expect(normaliseLocale('x'.repeat(40))).toBeUndefined();
  });
});

describe('team overrides (MESSAGE_TEXTS)', () => {
  it('lays an override over the bundled texts of its locale', () => {
    const overrides = parseTextOverrides('{"de":{"forgotSubject":"Neues Passwort"}}');
    const { texts } = textsFor('de', { defaultLocale: 'en', overrides });
    expect(texts.forgotSubject).toBe('Neues Passwort');
    expect(texts.forgotIntro).toBe(BUNDLED_TEXTS.de?.forgotIntro);
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['[]', 'must be a JSON object'],
    ['{"!!":{}}', 'is no locale'],
    ['{"de":"x"}', 'must map keys to texts'],
    ['{"de":{"nope":"x"}}', 'is no known key'],
    ['{"de":{"forgotSubject":""}}', 'non-empty string'],
    ['{"de":{"forgotCodeLine":"no code"}}', 'must contain {code}'],
  ])('rejects %s', (json, reason) => {
    expect(() => parseTextOverrides(json)).toThrow(MessageTextsError);
    expect(() => parseTextOverrides(json)).toThrow(reason);
  });

  it('treats a missing or blank value as no overrides', () => {
    expect(parseTextOverrides(undefined)).toEqual({});
    expect(parseTextOverrides('  ')).toEqual({});
  });

  it('accepts only a default locale that has texts', () => {
    expect(parseDefaultLocale(undefined, {})).toBe('en');
    expect(parseDefaultLocale('FR', {})).toBe('fr');
    expect(() => parseDefaultLocale('pt', {})).toThrow(MessageTextsError);
    expect(parseDefaultLocale('pt', parseTextOverrides('{"pt":{"forgotSubject":"x"}}'))).toBe('pt');
  });
});

describe('filling and escaping', () => {
  it('fills known placeholders and leaves others', () => {
    expect(fill('Code: {code} {other}', { code: '{####}' })).toBe('Code: {####} {other}');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
