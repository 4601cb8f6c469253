/**
 * The trigger's configuration (`RESET_PAGE_URL`, `DEFAULT_LOCALE`, `MESSAGE_TEXTS`), parsed once
 * per distinct environment: the stack validates the same values at synth, so an error here means
 * an environment edited by hand, and the trigger then sends the plain message.
 */
import {
  parseDefaultLocale,
  parseTextOverrides,
  type TextOverrides,
} from '../shared/message-texts';
import { parseResetPageUrl } from '../shared/reset-page-url';

/** What the email is composed from. */
export interface MessageSettings {
  /** The reset page; undefined: the email carries the code alone. */
  readonly resetPageUrl: URL | undefined;
  readonly defaultLocale: string;
  readonly overrides: TextOverrides;
}

let cached: { readonly key: string; readonly settings: MessageSettings } | undefined;

/**
 * Reads the settings; throws (a `ResetPageUrlError` or `MessageTextsError`) for a value that
 * cannot be used. Blank values count as unset.
 *
 * @example
 * readMessageSettings({ RESET_PAGE_URL: 'https://app.example.com/reset', DEFAULT_LOCALE: 'de' });
 */
export function readMessageSettings(env: NodeJS.ProcessEnv = process.env): MessageSettings {
  const page = env.RESET_PAGE_URL?.trim() ?? '';
  const key = JSON.stringify([page, env.DEFAULT_LOCALE ?? '', env.MESSAGE_TEXTS ?? '']);
  if (cached?.key === key) return cached.settings;
  const overrides = parseTextOverrides(env.MESSAGE_TEXTS);
  const settings: MessageSettings = {
    resetPageUrl: page === '' ? undefined : parseResetPageUrl(page),
    defaultLocale: parseDefaultLocale(env.DEFAULT_LOCALE, overrides),
    overrides,
  };
  cached = { key, settings };
  return settings;
}
