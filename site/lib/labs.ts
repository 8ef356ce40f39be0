// The site's only door to lab content: the runner's own loader and markdown-it
// pipeline (runner/lab), so a step on the page is exactly the step `lab check` knows.
import { createMarkdown, listLabs, renderLab, type Lab } from '../../runner/lab/index.ts';
import type { LabMeta } from '../../runner/lab/schema.ts';
import { decorateSteps } from './decorate.ts';

export interface SiteStep {
  id: string;
  number: number;
  title: string;
}

export interface SiteLab extends LabMeta {
  steps: SiteStep[];
  /** Frontmatter lists that may hold inline Markdown (`lab start`), rendered inline. */
  permissionsHtml: string[];
  prerequisitesHtml: string[];
  /** The lab body rendered by the runner's parser, with the site's step frame added. */
  html: string;
}

/** Where the labs are: LAB_LABS_DIR (tests, benchmarks), else the repository's labs/ (set in astro.config.mjs). */
export function labsDir(env = process.env): string {
  if (!env.LAB_LABS_DIR) throw new Error('LAB_LABS_DIR is not set (astro.config.mjs sets it).');
  return env.LAB_LABS_DIR;
}

const md = createMarkdown();

function toSite(lab: Lab): SiteLab {
  const steps = lab.steps.map((s) => ({ id: s.id, number: s.index, title: s.title }));
  return {
    ...lab.meta,
    steps,
    permissionsHtml: lab.meta.permissions.map((t) => md.renderInline(t)),
    prerequisitesHtml: lab.meta.prerequisites.map((t) => md.renderInline(t)),
    html: decorateSteps(renderLab(lab), lab.id, steps),
  };
}

let cache: Promise<SiteLab[]> | undefined;

/**
 * Every lab, rendered once per build (the index and every lab page share it). A broken lab
 * file throws the loader's LabFileError, whose message is `file:line — what — fix`: the build
 * fails with it.
 */
export function siteLabs(): Promise<SiteLab[]> {
  cache ??= listLabs(labsDir()).then((labs) => labs.map(toSite));
  return cache;
}
