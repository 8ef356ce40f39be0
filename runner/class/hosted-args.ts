// The flags of a class server that hosts the sandbox (hosted-start.ts), importable by the
// commands without loading anything else.
export const SANDBOX_ARGS = {
  sandbox: {
    type: 'boolean',
    description:
      'Host the sandbox for the class: each learner who joins gets an isolated AWS account of their own (docs/class.md)',
  },
  'allow-plain-http': {
    type: 'boolean',
    description:
      'With --sandbox: hand learners their keys over plain HTTP to other machines (they cross the network in clear; prefer a TLS proxy)',
  },
} as const;
