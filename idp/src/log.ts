type Level = 'info' | 'warn' | 'error';

/**
 * One JSON object per line: stdout for info and warnings, stderr for errors. Never pass tokens
 * or personal claims here.
 */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const line = `${JSON.stringify({ msg, ...fields, level })}\n`;
  if (level === 'error') process.stderr.write(line);
  else process.stdout.write(line);
}
