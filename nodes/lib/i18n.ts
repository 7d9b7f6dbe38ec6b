// Runtime texts come from each node type's message catalog (locales/<lang>/<type>.json, namespace = the node set),
// so status texts and error wrappers follow the language Node-RED picked for the runtime.
import { isUppError } from '../core';
import type { NodeAPI } from './red';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Texts remembered per translator; status texts repeat for every message and i18next lookups are not cheap. */
const CACHE_LIMIT = 256;

/**
 * `t('status.requesting')` looks up `<type>.status.requesting` in the node set's catalog. Results are cached (the
 * runtime language does not change while Node-RED runs); parameters named `count` are avoided in the catalogs
 * because they make i18next resolve plural rules on every call.
 */
export function translator(RED: NodeAPI, type: string): Translate {
  const cache = new Map<string, string>();
  return (key, params) => {
    const cacheKey = params ? `${key}\u0000${JSON.stringify(params)}` : key;
    const known = cache.get(cacheKey);
    if (known !== undefined) return known;
    let text: string;
    try {
      text = RED._(`${type}.${key}`, params);
    } catch {
      return key;
    }
    if (text === `${type}.${key}`) return text; // catalog not (yet) loaded: do not remember the bare key
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, text);
    return text;
  };
}

/**
 * False for what a Translate gives when the catalog has no text for `key` (yet): the key itself, bare or behind the
 * node type. Such a text must not be remembered beyond the call.
 */
export function isTranslated(text: string, key: string): boolean {
  return !text.endsWith(key);
}

/** Each catalog carries `<type>.lang` = "en" or "zh": the language Node-RED resolved for the runtime. */
export function runtimeLang(t: Translate): 'en' | 'zh' {
  return t('lang') === 'zh' ? 'zh' : 'en';
}

/**
 * Puts an UppError's message in the runtime language (core errors carry both). The English text stays available
 * as `messageEn`, the Chinese as `messageZh`.
 */
export function localizeError<T extends Error>(err: T, lang: 'en' | 'zh'): T {
  if (isUppError(err)) {
    const e = err as unknown as { messageEn?: string; messageZh: string; message: string };
    if (e.messageEn === undefined)
      Object.defineProperty(e, 'messageEn', { value: err.message, enumerable: true, writable: true, configurable: true });
    e.message = lang === 'zh' ? e.messageZh : (e.messageEn as string);
  }
  return err;
}
