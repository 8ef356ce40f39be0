// Following a hint as a learner would: the `aws …` commands it quotes, run in order in the
// learner's terminal. `lab test` uses it to prove that a step's hint leads to a pass.

/** The commands a hint quotes: its inline code spans that start with `aws `, in order. */
export function hintCommands(hint: string): string[] {
  return [...hint.matchAll(/`(aws [^`]+)`/g)].map((m) => m[1]!);
}

/**
 * `cmd` with its `<placeholders>` filled from `fill`. A placeholder left open is the author's to
 * fill (a learner would type their own value there): an error naming it.
 */
export function fillCommand(cmd: string, fill: Record<string, string> = {}): string {
  // `aws configure` alone asks questions (a key's secret among them): not for a script.
  if (/^aws configure(\s+--profile\s+\S+)?\s*$/.test(cmd.trim())) {
    throw new Error(
      `the hint's \`${cmd}\` asks questions: the mistake needs a \`recover\` that answers them`,
    );
  }
  let out = cmd;
  for (const [k, v] of Object.entries(fill)) out = out.split(k).join(v);
  const open = /<[a-z][^<>]*>/i.exec(out);
  if (open) {
    throw new Error(
      `the hint's command \`${cmd}\` has the placeholder ${open[0]}: give its value in the mistake's \`fill\``,
    );
  }
  return out;
}
