import type { HttpMethod } from './types';

/** pvesh's verbs and their HTTP methods (DESIGN.md §3). */
export const VERB_METHODS = { get: 'GET', set: 'PUT', create: 'POST', delete: 'DELETE' } as const satisfies Record<string, HttpMethod>;
export type Verb = keyof typeof VERB_METHODS;
export const VERBS = Object.keys(VERB_METHODS) as Verb[];

export function verbOf(method: HttpMethod): Verb {
  return (Object.keys(VERB_METHODS) as Verb[]).find((v) => VERB_METHODS[v] === method)!;
}

export function isVerb(word: string): word is Verb {
  return Object.prototype.hasOwnProperty.call(VERB_METHODS, word);
}
