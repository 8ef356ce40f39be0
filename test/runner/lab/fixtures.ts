// Read fixture files in markdown-it's test format (as markdown-it-container's tests do):
//
//   description
//   .
//   input
//   .
//   expected output
//   .
import { readFileSync } from 'node:fs';

export interface Fixture {
  title: string;
  input: string;
  expected: string;
  line: number;
}

export function readFixtures(file: string): Fixture[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Fixture[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i + 1] !== '.' || !lines[i].trim()) {
      i++;
      continue;
    }
    const title = lines[i];
    const line = i + 1;
    const read = (from: number) => {
      let j = from;
      while (j < lines.length && lines[j] !== '.') j++;
      return [lines.slice(from, j).join('\n'), j] as const;
    };
    const [input, end1] = read(i + 2);
    const [expected, end2] = read(end1 + 1);
    out.push({ title, input: input + '\n', expected: expected + '\n', line });
    i = end2 + 1;
  }
  return out;
}
