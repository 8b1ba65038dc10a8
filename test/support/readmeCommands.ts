import { readFileSync } from 'node:fs';
import { repoRoot } from './tools.js';

/**
 * The `temporal` commands of a README section, as argument vectors: the documentation is
 * the test's script, so the two cannot drift apart.
 */
export function readmeCommands(heading: string, program = 'temporal'): string[][] {
  const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[][] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!.replace(/\\\n/g, ' ').split('\n');
    for (const line of lines) if (line.startsWith(`${program} `)) commands.push(shellWords(line));
  }
  return commands;
}

/**
 * Splits a command line the way a POSIX shell would, for the subset README examples may use:
 * bare words and single-quoted strings. Anything else is refused, so an example that would
 * need a shell to run never passes unnoticed.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (/[A-Za-z0-9_./:=,@-]/.test(c)) {
      word = (word ?? '') + c;
    } else {
      throw new Error(`README example needs a shell for ${JSON.stringify(c)}: ${line}`);
    }
  }
  if (word !== null) words.push(word);
  return words;
}
