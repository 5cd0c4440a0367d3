import { z } from 'zod';

/** Length in Unicode code points, the unit API.md counts in: an emoji is one, not two. */
export function codePointLength(text: string): number {
  // Code points, not grapheme clusters, are what API.md counts, so spreading is exactly right.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  return [...text].length;
}

/**
 * A string of `min`..`max` code points. JSON Schema's minLength/maxLength count code points
 * too, so the metadata lets an OpenAPI document state the very same limit.
 */
export function boundedText(min: number, max: number): z.ZodString {
  return z
    .string()
    .refine((value) => {
      const length = codePointLength(value);
      return length >= min && length <= max;
    }, `must be ${min} to ${max} characters`)
    .meta({ minLength: min, maxLength: max });
}

function toUtc(text: string): string {
  const time = Date.parse(text);
  // zod runs an overwrite even after the format check failed; such input stays as it was.
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

/** A YYYY-MM-DD string naming a real calendar date (zod checks leap years too). */
export const isoDateSchema = z.iso.date('must be a YYYY-MM-DD calendar date');

/**
 * An ISO 8601 instant with `Z` or an explicit offset (a local time would mean something
 * different to each reader), rewritten to UTC so that stored values and comparisons agree.
 * `overwrite` rather than `transform` keeps the schema describable as `format: date-time`.
 */
export const isoInstantSchema = z.iso.datetime({ offset: true }).overwrite(toUtc);
