import { stoppers } from './stoppers';

export default async function globalTeardown(): Promise<void> {
  await Promise.all(
    stoppers()
      .splice(0)
      .map((stop) => stop()),
  );
}
