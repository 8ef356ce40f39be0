// The closing lines of `lab check`: what they count is what the learner reads as progress.
import { stripVTControlCharacters } from 'node:util';
import { expect, test } from 'vitest';
import { nextLines as colored } from '../../../runner/check/format.ts';
import type { StepResult } from '../../../runner/lab/define.ts';

// Colour depends on the environment (picocolors turns it on under CI): compare the text.
const nextLines = (...a: Parameters<typeof colored>) =>
  colored(...a).map((l) => stripVTControlCharacters(l));

const step = (id: string, status: StepResult['status']): StepResult =>
  ({ id, status, evidence: 'e', hint: `do ${id}` }) as StepResult;

test('every step checked: progress of the lab', () => {
  const r = [step('a', 'passed'), step('b', 'not-tried')];
  expect(nextLines('lab1', r, 2)[0]).toBe('1/2 steps complete.');
  expect(nextLines('lab1', [step('a', 'passed'), step('b', 'passed')], 2)).toEqual([
    '2/2 steps complete.',
  ]);
});

test('--step: counts the checked step, not "1/5 complete" beside exit 0', () => {
  expect(nextLines('day42', [step('list-users', 'passed')], 5)).toEqual([
    '1/1 checked step complete (`lab check day42` checks all 5).',
  ]);
  const open = nextLines('day42', [step('configure', 'failed')], 5);
  expect(open[0]).toBe('0/1 checked step complete (`lab check day42` checks all 5).');
  expect(open[1]).toBe('Next: step configure — do configure');
});
