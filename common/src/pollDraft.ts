import { z } from 'zod';
import { boundedText, isoInstantSchema } from './text';

/** API.md's option limit; maxChoices and a ballot's choices are bounded by it too. */
export const MAX_OPTIONS = 50;

export const optionIdSchema = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must match ^[a-z0-9-]{1,32}$');

export const pollOptionSchema = z.strictObject({
  id: optionIdSchema,
  label: boundedText(1, 200),
});

export const eligibilitySchema = z.strictObject({
  districts: z.array(boundedText(1, 200)).min(1).max(100).optional(),
  minAge: z.int().min(0).max(150).optional(),
});

export const RESULTS_VISIBILITIES = ['live', 'after-close'] as const;
export type ResultsVisibility = (typeof RESULTS_VISIBILITIES)[number];

/**
 * PollDraft's fields one by one. They are exported unwrapped so that each side can add its own
 * fields (the stored Poll) or defaults before `checkPollDraft` relates them to each other.
 */
export const pollDraftFields = {
  title: boundedText(1, 200),
  description: boundedText(0, 10000),
  options: z.array(pollOptionSchema).min(2).max(MAX_OPTIONS),
  maxChoices: z.int().min(1).max(MAX_OPTIONS),
  opensAt: isoInstantSchema,
  closesAt: isoInstantSchema,
  eligibility: eligibilitySchema.optional(),
  allowRevote: z.boolean().optional(),
  resultsVisibility: z.enum(RESULTS_VISIBILITIES).optional(),
};

export interface PollDraftRules {
  readonly options: readonly { readonly id: string }[];
  readonly maxChoices: number;
  readonly opensAt: string;
  readonly closesAt: string;
}

/**
 * The rules that relate fields to each other, each reported at the field that is wrong: a
 * repeated option id at the repeat, so a client can point at it.
 */
export function checkPollDraft(draft: PollDraftRules, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  draft.options.forEach((option, index) => {
    if (seen.has(option.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['options', index, 'id'],
        message: 'duplicate option id',
      });
    }
    seen.add(option.id);
  });
  if (draft.maxChoices > draft.options.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxChoices'],
      message: 'must not exceed the number of options',
    });
  }
  if (Date.parse(draft.closesAt) <= Date.parse(draft.opensAt)) {
    ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
  }
}

/** PollDraft of API.md: unknown fields rejected at any depth, lengths in code points. */
export const pollDraftSchema = z.strictObject(pollDraftFields).superRefine(checkPollDraft);
export type PollDraft = z.output<typeof pollDraftSchema>;
