/**
 * Counting words for server messages and pages alike (no server-only code: components use it
 * too, and lib must not import from components).
 */
const pluralRules = new Intl.PluralRules('en');

/**
 * "1 callback", "2 callbacks", "0 callbacks". The plural form is the singular plus "s"
 * unless given ("1 callback" / "2 callbacks" works; "1 entry" needs "entries").
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${pluralRules.select(count) === 'one' ? singular : pluralForm}`;
}
