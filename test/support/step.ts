/**
 * One named step with its own limit: a step that does not finish fails naming what it waited for, and each
 * prints how long it took, so a slow machine shows where the time goes.
 */
export async function step<T>(what: string, limitMs: number, run: () => Promise<T>): Promise<T> {
  const began = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${limitMs} ms`)), limitMs);
  });
  try {
    return await Promise.race([run(), limit]);
  } finally {
    clearTimeout(timer);
    process.stderr.write(`# ${what}: ${Date.now() - began} ms\n`);
  }
}
