/**
 * Words for search in Arabic, French and English: case and diacritics folded, Arabic letter
 * variants unified, so "Évaluation" finds "evaluation" and "أزمة" finds "ازمه".
 */
const ARABIC_FOLDS: [RegExp, string][] = [
  [/[\u064B-\u065F\u0670\u06D6-\u06ED]/g, ''], // tashkeel and Quranic marks
  [/\u0640/g, ''], // tatweel
  [/[\u0622\u0623\u0625\u0671]/g, '\u0627'], // alef forms → alef
  [/\u0649/g, '\u064A'], // alef maqsura → yeh
  [/\u0629/g, '\u0647'], // teh marbuta → heh
  [/\u0624/g, '\u0648'], // waw with hamza → waw
  [/\u0626/g, '\u064A'], // yeh with hamza → yeh
];

/** Folds one piece of text for comparison. */
export function foldText(text: string): string {
  let folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  for (const [pattern, replacement] of ARABIC_FOLDS) folded = folded.replace(pattern, replacement);
  return folded;
}

export const SEARCH_WORD_MAX_LENGTH = 40;

/** The distinct words of a text, folded. */
export function searchWords(...texts: string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of foldText(text).split(/[^\p{L}\p{N}]+/u)) {
      if (word) words.add(word.slice(0, SEARCH_WORD_MAX_LENGTH));
    }
  }
  return [...words];
}

/** True when every word of the query starts some word of the item (prefix search). */
export function matchesQuery(itemWords: readonly string[], queryWords: readonly string[]): boolean {
  return queryWords.every((q) => itemWords.some((w) => w.startsWith(q)));
}
