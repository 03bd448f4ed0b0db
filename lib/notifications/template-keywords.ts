/**
 * The `__keyword__`s a notification template may use, and the check that catches a mistyped
 * one. Pure and browser-safe: the editor marks an unknown keyword as the admin types, and
 * saving refuses it (saveNotificationSettings), with the same words and the same suggestion.
 */

export const TEMPLATE_KEYWORDS = [
  { keyword: '__ticket_number__', meaning: 'The ticket number (Manage ticket id)' },
  { keyword: '__ticket_subject__', meaning: "The ticket's summary" },
  { keyword: '__ticket_name__', meaning: "The end user's full name" },
  { keyword: '__ticket_fname__', meaning: "The end user's first name" },
  { keyword: '__ticket_lname__', meaning: "The end user's last name" },
  { keyword: '__ticket_email__', meaning: "The end user's email address" },
  { keyword: '__actor__', meaning: 'Who made the change (the technician)' },
  { keyword: '__ticket_status__', meaning: "The ticket's status after the change" },
  { keyword: '__ticket_owner__', meaning: "The ticket's owner after the change" },
  { keyword: '__note__', meaning: 'The text of the note that was added' },
] as const;

const KNOWN = new Set<string>(TEMPLATE_KEYWORDS.map((k) => k.keyword));

// Anything shaped like a keyword: words joined by single underscores between double ones.
// Wider than what renders (any case, digits), so "__Ticket_Number__" is caught too; a run of
// underscores alone (a divider line) is not a keyword.
const KEYWORD_SHAPE = /__([A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)__/g;

export type UnknownKeyword = { keyword: string; suggestion: string | null };

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The valid keyword a typo most likely meant; null when none is close enough to guess. */
export function nearestKeyword(written: string): string | null {
  const wanted = written.toLowerCase();
  let best: { keyword: string; distance: number } | null = null;
  for (const { keyword } of TEMPLATE_KEYWORDS) {
    const distance = editDistance(wanted, keyword);
    if (!best || distance < best.distance) best = { keyword, distance };
  }
  if (!best) return null;
  // A third of the word may be wrong (a dropped letter, a swapped pair, a wrong word end);
  // beyond that a suggestion is a guess that misleads more than it helps.
  return best.distance <= Math.max(2, Math.floor(wanted.length / 3)) ? best.keyword : null;
}

/** Every distinct unknown keyword in the text, in order of appearance. */
export function findUnknownKeywords(text: string): UnknownKeyword[] {
  const seen = new Set<string>();
  const out: UnknownKeyword[] = [];
  for (const match of text.matchAll(KEYWORD_SHAPE)) {
    const keyword = match[0];
    if (KNOWN.has(keyword) || seen.has(keyword)) continue;
    seen.add(keyword);
    out.push({ keyword, suggestion: nearestKeyword(keyword) });
  }
  return out;
}

const phrase = ({ keyword, suggestion }: UnknownKeyword) => (suggestion ? `${keyword} (did you mean ${suggestion}?)` : keyword);

/** The problem as a fragment after the field's name: "uses __x__, which is not a keyword: did you mean __y__?" */
export function describeUnknownKeywords(unknown: readonly UnknownKeyword[]): string | null {
  const [first] = unknown;
  if (!first) return null;
  if (unknown.length === 1) {
    return first.suggestion
      ? `uses ${first.keyword}, which is not a keyword: did you mean ${first.suggestion}?`
      : `uses ${first.keyword}, which is not a keyword (the keyword list shows the ones there are).`;
  }
  return `uses ${unknown.map(phrase).join(', ')}, which are not keywords.`;
}

/** Problems per field of a set of templates, as the API's error details (`templates.<kind>.<field>`). */
export function templateKeywordProblems(
  templates: Readonly<Record<string, { title: string; body: string }>>,
): { path: string; message: string; text: string }[] {
  const problems: { path: string; message: string; text: string }[] = [];
  for (const [kind, template] of Object.entries(templates)) {
    for (const field of ['title', 'body'] as const) {
      const message = describeUnknownKeywords(findUnknownKeywords(template[field]));
      if (message) problems.push({ path: `templates.${kind}.${field}`, message, text: template[field] });
    }
  }
  return problems;
}
