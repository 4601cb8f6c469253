/**
 * A guard around cognito-local's data store. cognito-local keeps users, groups and app clients
 * in plain objects keyed by the caller's names (`Users[username]`, `Clients[clientId]`), so a
 * username such as `toString`, `constructor` or `__proto__` reads an `Object.prototype` member
 * instead of "no such user" (and the emulator then throws: an internal error where Cognito
 * answers as for any unknown user), and writing `__proto__` would replace the object's
 * prototype. Real Cognito treats these names as ordinary strings; so does the store once every
 * key segment that could reach `Object.prototype` is escaped (prefixed with a NUL character,
 * which no Cognito name may contain). Ordinary names are stored exactly as before, so data
 * written by an earlier run stays readable. A read below a missing parent (a pool without any
 * group yet) is a missing value rather than an internal error.
 */
import type { Context } from 'cognito-local/lib/services/context';
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore';
import type { DataStoreFactory } from 'cognito-local/lib/services/dataStore/factory';

const ESCAPE = '\u0000';

/**
 * The stored form of one key segment: unchanged unless it names an `Object.prototype` member
 * (or already starts with the escape character, which keeps the mapping one-to-one).
 *
 * @example
 * storedKey('demo@example.com') // 'demo@example.com'
 * storedKey('__proto__')        // '\u0000__proto__'
 */
export function storedKey(segment: string): string {
  return segment === '__proto__' || segment in Object.prototype || segment.startsWith(ESCAPE)
    ? `${ESCAPE}${segment}`
    : segment;
}

function storedPath(key: string | string[]): string[] {
  return (Array.isArray(key) ? key : [key]).map((segment) => storedKey(String(segment)));
}

/** Wraps one store so that every key is looked up and written as an own property. */
export function safeDataStore(inner: DataStore): DataStore {
  return {
    delete: (ctx: Context, key: string | string[]) => inner.delete(ctx, storedPath(key)),
    // stormdb throws when a parent of the key is missing (a pool that has no groups yet): that
    // is a missing value, as for any other unknown name.
    get: (async <T>(ctx: Context, key: string | string[], defaultValue?: T) => {
      try {
        return defaultValue === undefined
          ? await inner.get<T>(ctx, storedPath(key))
          : await inner.get<T>(ctx, storedPath(key), defaultValue);
      } catch {
        return defaultValue ?? null;
      }
    }) as DataStore['get'],
    getRoot: <T>(ctx: Context) => inner.getRoot<T>(ctx),
    set: <T>(ctx: Context, key: string | string[], value: T) =>
      inner.set(ctx, storedPath(key), value),
  };
}

/** A factory whose stores are all {@link safeDataStore}s. */
export function safeDataStoreFactory(inner: DataStoreFactory): DataStoreFactory {
  return {
    create: async (ctx, id, defaults) => safeDataStore(await inner.create(ctx, id, defaults)),
  };
}
