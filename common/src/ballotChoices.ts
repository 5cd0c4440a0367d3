import { z } from 'zod';
import { MAX_OPTIONS, optionIdSchema } from './pollDraft';

function checkUnique(choices: readonly string[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  choices.forEach((choice, index) => {
    if (seen.has(choice)) {
      ctx.addIssue({ code: 'custom', path: [index], message: 'duplicate choice' });
    }
    seen.add(choice);
  });
}

/** A ballot's choices on their own: 1..50 option ids, none repeated. */
export const ballotChoicesSchema = z
  .array(optionIdSchema)
  .min(1)
  .max(MAX_OPTIONS)
  .superRefine(checkUnique);

export interface ChoiceRules {
  readonly options: readonly { readonly id: string }[];
  readonly maxChoices: number;
}

/** The choices of a ballot in this poll: also only its options, and at most maxChoices. */
export function ballotChoicesFor(poll: ChoiceRules): z.ZodArray<z.ZodString> {
  const known = new Set(poll.options.map((option) => option.id));
  return ballotChoicesSchema.superRefine((choices, ctx) => {
    choices.forEach((choice, index) => {
      if (!known.has(choice)) {
        ctx.addIssue({ code: 'custom', path: [index], message: 'not an option of this poll' });
      }
    });
    if (choices.length > poll.maxChoices) {
      ctx.addIssue({ code: 'custom', path: [], message: `at most ${poll.maxChoices} choices` });
    }
  });
}
