import type { TouchCommand } from './types.js';

/**
 * Fills `{name}` placeholders from the command's params. A placeholder without a param (or with a
 * null one) is left as written, so a missing param shows in the message instead of vanishing.
 */
export function fillTemplate(text: string, params: TouchCommand['params']): string {
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : null;
    return value === null || value === undefined ? whole : String(value);
  });
}

/** Params as the strings most providers want; null becomes empty. */
export function paramsAsText(params: TouchCommand['params']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) out[key] = value === null ? '' : String(value);
  return out;
}
