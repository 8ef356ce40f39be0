// The line every labrunner `aws` wrapper carries (cli-files.ts), so that a wrapper, and the
// runner choosing a CLI (`lab shell --cli`), can skip wrappers when looking for the real `aws`.
export const WRAPPER_MARKER = '# labrunner-aws-wrapper: skip me when looking for the real aws';
