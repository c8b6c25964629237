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

export type AnswerFormat = 'json' | 'binary';

/**
 * The representation of a compute answer: binary when Accept names application/octet-stream,
 * JSON when it admits application/json (wildcards included), undefined when it admits neither.
 */
export function answerFormat(header: string | undefined): AnswerFormat | undefined {
  if (header !== undefined && /application\/octet-stream/i.test(header) && acceptsExplicitly(header, 'application/octet-stream')) {
    return 'binary';
  }
  return accepts(header, 'application/json') ? 'json' : undefined;
}

function acceptsExplicitly(header: string, type: string): boolean {
  return header.split(',').some((part) => {
    const [range, ...attrs] = part.trim().toLowerCase().split(';');
    const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    return range === type && (q === undefined || Number(q.slice(2)) > 0);
  });
}
