// The public surface of the lab format: schema, parser, loader, errors.
export {
  labMetaSchema,
  ID_PATTERN,
  FIELD_EXAMPLES,
  type LabMeta,
  type LabMetaInput,
} from './schema.ts';
export {
  LabFileError,
  isLabFileError,
  formatProblem,
  displayPath,
  type LabProblem,
} from './error-map.ts';
export { createMarkdown, CONTAINERS, type MarkdownOptions } from './markdown.ts';
export {
  loadLab,
  parseLab,
  inspectLab,
  renderLab,
  listLabs,
  labDirs,
  findLab,
  type Lab,
  type LabStep,
} from './load.ts';
export { labsRoot, DEFAULT_LABS_ROOT } from './paths.ts';
export { copyText } from './plugins/code.ts';
export {
  defineLab,
  type LabDefinition,
  type StepDefinition,
  type StepVerdict,
  type StepResult,
  type StepStatus,
  type Clients,
} from './define.ts';
