// botocore's service models, the source of the gateway's request validation
// (sandbox/gateway/validate/): the `data` directory of the botocore that the Python running moto
// imports (moto depends on botocore, and the AWS CLI v1 is built on it). Asked once per gateway
// start; a Python without it fails the start with what to install.
import { spawnSync } from 'node:child_process';
import { SandboxError } from '../errors.ts';
import { checkModelsDir, ModelsMissingError } from '../gateway/validate/index.ts';
import type { Env } from '../paths.ts';
import { INSTALL_MOTO } from './moto.ts';
import { cachedProbe, probeKey, rememberProbe } from './python-cache.ts';

const PRINT_DATA_DIR =
  'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data")); ' +
  'print(botocore.__file__)';

/** botocore's `data` directory for `python`; throws a SandboxError saying how to fix it. */
export function botocoreDataDir(python: string, env: Env = process.env): string {
  // Remembered across processes while botocore's files are unchanged (python-cache.ts).
  const key = probeKey('botocore', python, env);
  let dir = cachedProbe(key, env) ?? '';
  if (!dir) {
    const out = spawnSync(python, ['-c', PRINT_DATA_DIR], {
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const [data = '', init = ''] = out.status === 0 ? out.stdout.trim().split('\n') : [];
    dir = data;
    if (dir && init.startsWith('/')) {
      try {
        checkModelsDir(dir);
        rememberProbe(key, dir, [init, dir], env);
      } catch {
        // Reported below, and not remembered.
      }
    }
  }
  try {
    if (!dir) throw new ModelsMissingError(`${python} cannot import botocore.`);
    checkModelsDir(dir);
  } catch (e) {
    if (!(e instanceof ModelsMissingError)) throw e;
    throw new SandboxError(
      'models_missing',
      `The sandbox checks every request against AWS's service models (botocore's), and ${e.message}`,
      `Reinstall moto with its dependencies: ${INSTALL_MOTO}  (or set LAB_MOTO_PYTHON to a python that has it)`,
    );
  }
  return dir;
}
