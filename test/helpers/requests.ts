// A valid request body for each catalogue function: its required params, an input every function takes.
export const SAMPLE_X = [[-1.5, 0, 2.25, 3], [3, -4, 0.5, -0.25]];

export function sampleRequest(name: string): { x: number[][]; params?: Record<string, unknown> } {
  if (name === 'threshold') return { x: SAMPLE_X, params: { threshold: 0.5, value: -2 } };
  return { x: SAMPLE_X };
}
