// The lab site (site/): a static build of every lab in labs/, rendered by the
// runner's own markdown-it pipeline. `lab serve` serves the build with a local API.
// LAB_LABS_DIR and LAB_SITE_OUT let tests and benchmarks build other lab sets elsewhere.
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';
import precompress from './site/integrations/precompress.ts';

process.env.LAB_LABS_DIR ||= fileURLToPath(new URL('./labs', import.meta.url));

export default defineConfig({
  srcDir: './site',
  outDir: process.env.LAB_SITE_OUT || './dist',
  output: 'static',
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
  build: { inlineStylesheets: 'always' },
  integrations: [precompress()],
});
