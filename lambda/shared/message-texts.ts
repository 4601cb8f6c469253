/**
 * The texts of the emails the product composes (the reset-code email of the custom-message
 * trigger and the "password changed" notice of the post-confirmation trigger), one plain JSON
 * file per language under `message-texts/`, plus the team's own overrides (`MESSAGE_TEXTS`, a
 * JSON object of per-locale partial texts). Pure: locale resolution and override validation are
 * tested without Lambda.
 */
import de from './message-texts/de.json' with { type: 'json' };
import en from './message-texts/en.json' with { type: 'json' };
import es from './message-texts/es.json' with { type: 'json' };
import fr from './message-texts/fr.json' with { type: 'json' };

/** Every text of one language; English is the reference set of keys. */
export type MessageTexts = { readonly [K in keyof typeof en]: string };
/** The key of one text. */
export type MessageTextKey = keyof MessageTexts;

/** The languages shipped with the product (BCP 47 primary tags). */
export const BUNDLED_TEXTS: Readonly<Record<string, MessageTexts>> = { en, de, fr, es };

/** The locale used when a user has none or one without texts, unless configured otherwise. */
export const FALLBACK_LOCALE = 'en';

/**
 * The `{name}` placeholders each text must keep, in every language and in every override:
 * without `{code}` the reset email would not carry Cognito's code.
 */
export const REQUIRED_PLACEHOLDERS: Readonly<Partial<Record<MessageTextKey, readonly string[]>>> = {
  forgotCodeLine: ['{code}'],
  forgotCodeOnly: ['{code}'],
  noticeChangedAt: ['{when}'],
  noticeReference: ['{reference}'],
};

/** The keys every language must define. */
export const TEXT_KEYS = Object.keys(en) as readonly MessageTextKey[];

/** Per-locale partial texts a team supplies (`MESSAGE_TEXTS`). */
export type TextOverrides = Readonly<Record<string, Partial<MessageTexts>>>;

/** A `MESSAGE_TEXTS` value or a default locale that cannot be used, with the reason. */
export class MessageTextsError extends Error {
  override readonly name = 'MessageTextsError';
}

const LOCALE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;

/**
 * Normalises a BCP 47 tag for lookup: lower case, `_` read as `-` (Java/POSIX style), trimmed.
 * Undefined when it is no tag at all.
 *
 * @example
 * normaliseLocale('pt_BR') // 'pt-br'
 */
export function normaliseLocale(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const value = tag.trim().replaceAll('_', '-').toLowerCase();
  return value.length <= 35 && LOCALE_TAG.test(value) ? value : undefined;
}

/**
 * Validates `MESSAGE_TEXTS` (JSON): an object of locale tags to objects of known keys to
 * strings, each keeping its required placeholders. Throws {@link MessageTextsError} naming the
 * offending entry; undefined or blank means no overrides.
 *
 * @example
 * parseTextOverrides('{"de":{"forgotSubject":"Neues Passwort"}}') // { de: { forgotSubject: 'Neues Passwort' } }
 */
export function parseTextOverrides(json: string | undefined): TextOverrides {
  if (json === undefined || json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new MessageTextsError('message texts: not valid JSON');
  }
  if (!isPlainObject(parsed)) throw new MessageTextsError('message texts: must be a JSON object');
  const result: Record<string, Partial<MessageTexts>> = {};
  for (const [tag, texts] of Object.entries(parsed)) {
    const locale = normaliseLocale(tag);
    if (locale === undefined) throw new MessageTextsError(`message texts: "${tag}" is no locale`);
    if (!isPlainObject(texts)) {
      throw new MessageTextsError(`message texts: "${tag}" must map keys to texts`);
    }
    const entry: Record<string, string> = {};
    for (const [key, text] of Object.entries(texts)) {
      if (!(TEXT_KEYS as readonly string[]).includes(key)) {
        throw new MessageTextsError(`message texts: "${tag}.${key}" is no known key`);
      }
      if (typeof text !== 'string' || text.trim() === '') {
        throw new MessageTextsError(`message texts: "${tag}.${key}" must be a non-empty string`);
      }
      for (const placeholder of REQUIRED_PLACEHOLDERS[key as MessageTextKey] ?? []) {
        if (!text.includes(placeholder)) {
          throw new MessageTextsError(`message texts: "${tag}.${key}" must contain ${placeholder}`);
        }
      }
      entry[key] = text;
    }
    result[locale] = entry as Partial<MessageTexts>;
  }
  return result;
}

/**
 * Validates a configured default locale: it must have texts (bundled or overridden in full).
 *
 * @example
 * parseDefaultLocale('de', {}) // 'de'
 */
export function parseDefaultLocale(tag: string | undefined, overrides: TextOverrides): string {
  if (tag === undefined || tag.trim() === '') return FALLBACK_LOCALE;
  const locale = normaliseLocale(tag);
  if (locale === undefined || !(locale in BUNDLED_TEXTS || locale in overrides)) {
    throw new MessageTextsError(
      `default locale "${tag}" has no texts; known: ${Object.keys(BUNDLED_TEXTS).join(', ')}`,
    );
  }
  return locale;
}

/** The lookup order of a tag: `pt-br` -> `pt-br`, `pt`. */
function candidates(locale: string): string[] {
  const parts = locale.split('-');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('-'));
}

/**
 * The texts for a user's `locale` attribute: the longest matching tag (`pt-BR`, then `pt`), else
 * the default locale; a team's overrides laid over the bundled texts of the same locale (an
 * overridden locale the product does not ship is laid over the default locale's texts).
 *
 * @example
 * textsFor('de-AT', { defaultLocale: 'en', overrides: {} }).locale // 'de'
 */
export function textsFor(
  requested: string | undefined,
  settings: { readonly defaultLocale: string; readonly overrides: TextOverrides },
): { readonly locale: string; readonly texts: MessageTexts } {
  const known = (tag: string) => tag in BUNDLED_TEXTS || tag in settings.overrides;
  const normalised = normaliseLocale(requested);
  const locale =
    (normalised === undefined ? undefined : candidates(normalised).find(known)) ??
    settings.defaultLocale;
  const base =
    BUNDLED_TEXTS[locale] ??
    BUNDLED_TEXTS[settings.defaultLocale] ??
    (BUNDLED_TEXTS[FALLBACK_LOCALE] as MessageTexts);
  const defaultOverrides =
    locale in BUNDLED_TEXTS ? {} : settings.overrides[settings.defaultLocale];
  return { locale, texts: { ...base, ...defaultOverrides, ...settings.overrides[locale] } };
}

/**
 * Fills `{name}` placeholders of a text.
 *
 * @example
 * fill('Code: {code}', { code: '{####}' }) // 'Code: {####}'
 */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{([a-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
