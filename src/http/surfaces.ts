import type { Problem } from './problem.ts';

/** One API surface's error shape (spec README §6); each dialect module owns one. */
export interface ErrorSurface {
  name: string;
  render(problem: Problem): unknown;
  /** Where the surface answers with another status than the problem's (Jelou: malformed JSON is 422). */
  status?(problem: Problem): number;
}
