import { z } from 'zod';

/** The one field of a created Poll the benchmarks use. */
export const pollSchema = z.object({ pollId: z.string().regex(/^[0-9a-f]{32}$/) });
