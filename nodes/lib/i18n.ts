// Runtime texts come from each node type's message catalog (locales/<lang>/<type>.json, namespace = the node set),
// so status texts and error wrappers follow the language Node-RED picked for the runtime.
import { UppError } from '../core';
import type { NodeAPI } from './red';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** `t('status.requesting')` looks up `<type>.status.requesting` in the node set's catalog. */
export function translator(RED: NodeAPI, type: string): Translate {
  return (key, params) => {
    try {
      return RED._(`${type}.${key}`, params);
    } catch {
      return key;
    }
  };
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
  if (err instanceof UppError) {
    const e = err as unknown as { messageEn?: string; messageZh: string; message: string };
    if (e.messageEn === undefined) Object.defineProperty(e, 'messageEn', { value: err.message, enumerable: true, writable: true, configurable: true });
    e.message = lang === 'zh' ? e.messageZh : (e.messageEn as string);
  }
  return err;
}
