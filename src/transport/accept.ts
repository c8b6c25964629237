// Content negotiation: does an Accept header admit a given media type?

/** True when the Accept header (absent means anything) admits `type` with a non-zero quality. */
export function accepts(header: string | undefined, type: string): boolean {
  if (header === undefined || header.trim() === '') return true;
  const [major] = type.split('/');
  for (const part of header.split(',')) {
    const [range, ...attrs] = part.trim().toLowerCase().split(';');
    const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    if (range === '*/*' || range === type || range === `${major}/*`) return true;
  }
  return false;
}
