import { z } from 'zod';
import { codePointLength } from './parse';

/** A string whose length, in code points, lies in [min, max]. */
export function boundedText(min: number, max: number): z.ZodString {
  return z.string().refine((s) => {
    const length = codePointLength(s);
    return length >= min && length <= max;
  }, `must be ${min}..${max} characters`);
}
