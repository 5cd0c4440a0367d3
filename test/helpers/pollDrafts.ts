/**
 * A single-choice poll draft, as CreatePoll and POST /api/v1/polls take it, that opened a minute
 * ago and closes in an hour: open to ballots as soon as the poll is opened. `options` maps each
 * option ID to its label; `extra` adds or overrides fields (a description, allowRevote, ...).
 */
export function openPollDraft(
  title: string,
  options: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const now = Date.now();
  return {
    title,
    description: '',
    options: Object.entries(options).map(([id, label]) => ({ id, label })),
    maxChoices: 1,
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 3_600_000).toISOString(),
    ...extra,
  };
}
