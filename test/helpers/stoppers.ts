type Stop = () => Promise<void>;

// globalSetup and globalTeardown may be loaded as separate module instances, so what must be
// stopped is kept on globalThis, which they share.
const key = Symbol.for('veche.test.stoppers');

export function stoppers(): Stop[] {
  const holder = globalThis as unknown as Record<symbol, Stop[] | undefined>;
  holder[key] ??= [];
  return holder[key];
}
