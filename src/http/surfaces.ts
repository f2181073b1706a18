import type { Problem } from './problem.ts';

/** One API surface's error shape, chosen by URL prefix (spec README §6). */
export interface ErrorSurface {
  name: string;
  matches(url: string): boolean;
  render(problem: Problem): unknown;
  /** Where the surface answers with another status than the problem's (Jelou: malformed JSON is 422). */
  status?(problem: Problem): number;
}

const surfaces: ErrorSurface[] = [];
let fallback: ErrorSurface | null = null;

export function registerErrorSurface(surface: ErrorSurface, options: { fallback?: boolean } = {}): void {
  if (options.fallback) fallback = surface;
  else if (!surfaces.some((s) => s.name === surface.name)) surfaces.push(surface);
}

export function surfaceFor(url: string): ErrorSurface {
  const found = surfaces.find((s) => s.matches(url)) ?? fallback;
  if (!found) throw new Error('no error surface registered');
  return found;
}
