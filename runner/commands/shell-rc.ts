// The rc files `lab shell` starts bash and zsh with. They run the learner's own rc file first,
// then put the sandbox's bin folder (the `aws` wrapper, `lab`) back in front of PATH — rc files
// often prepend their own (pyenv shims, Homebrew, asdf), and an `aws` found before the wrapper
// would talk to real AWS — and keep it there before every prompt, whatever the learner's
// commands do to PATH later. Then the `(sandbox)` prompt marker.
import { shellQuote } from './sandbox/common.ts';

export function bashRc(binDir: string): string {
  return `[ -f ~/.bashrc ] && . ~/.bashrc
__lab_bin=${shellQuote(binDir)}
__lab_path() {
  local p=":$PATH:"
  p=\${p//:$__lab_bin:/:}
  p=\${p#:}; p=\${p%:}
  PATH="$__lab_bin\${p:+:$p}"
}
__lab_path
PROMPT_COMMAND="__lab_path\${PROMPT_COMMAND:+; $PROMPT_COMMAND}"
PS1="(sandbox) \${PS1:-\\$ }"
`;
}

/** zsh reads $ZDOTDIR/.zshrc: ours sources the learner's, then the same PATH rule as bash. */
export function zshRc(binDir: string, userDotDir: string): string {
  const dot = shellQuote(userDotDir);
  return `[ -f ${dot}/.zshrc ] && ZDOTDIR=${dot} . ${dot}/.zshrc
__lab_bin=${shellQuote(binDir)}
__lab_path() { path=("$__lab_bin" \${path:#$__lab_bin}) }
__lab_path
autoload -Uz add-zsh-hook 2>/dev/null && add-zsh-hook precmd __lab_path
PROMPT="(sandbox) $PROMPT"
`;
}
