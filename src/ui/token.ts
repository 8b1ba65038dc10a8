import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The token the controls need: read from a file (its first line), or a new random one that `baton ui` prints. */
export async function uiToken(file: string | undefined): Promise<string> {
  if (file === undefined) return randomBytes(24).toString('base64url');
  const token = (await readFile(file, 'utf8')).split('\n')[0]!.trim();
  if (token.length < 16) throw new Error(`${file}: the UI token on its first line must be at least 16 characters, it has ${token.length}`);
  return token;
}

/** Compared in constant time, so the answer's timing does not tell how much of a guess was right. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(expected), Buffer.from(given)];
  return a.length === b.length && timingSafeEqual(a, b);
}
