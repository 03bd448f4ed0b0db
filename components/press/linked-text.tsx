/**
 * Text whose web addresses are links: a refusal written by the MSP ("use
 * https://portal.example/new for this") should be one click away. Only http(s) addresses are
 * linked (never javascript: or data:); trailing punctuation stays text.
 */
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

export function LinkedText({ text }: { text: string }) {
  const parts: (string | { href: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let href = match[0];
    const trailing = /[.,;:!?)\]]+$/.exec(href)?.[0] ?? '';
    href = href.slice(0, href.length - trailing.length);
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    try {
      const url = new URL(href);
      parts.push(url.protocol === 'http:' || url.protocol === 'https:' ? { href } : href);
    } catch {
      parts.push(href);
    }
    last = start + href.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer" className="font-medium underline">
            {part.href}
          </a>
        ),
      )}
    </>
  );
}
