// A section of the learner's CLI files ("<file>#<header>") that holds one of the run's keys,
// or configures the rest of such a profile. It is the run's while it holds the recorded key (or
// no key at all); one re-configured with another key since is the learner's again.
import {
  parseSections,
  readCliFile,
  removeProfileSections,
  settingValue,
} from '../profile-file.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

const split = (id: string) => {
  const cut = id.lastIndexOf('#');
  return { path: id.slice(0, cut), header: id.slice(cut + 1) };
};

export const profileSection: ResourceKind = {
  kind: 'profile-section',
  noun: 'CLI profile section',
  order: 15,
  identity: [],
  createdBy: [],
  async lookup(_ctx, id, details) {
    const { path, header } = split(id);
    const text = await readCliFile(path);
    const s =
      text === undefined
        ? undefined
        : parseSections(text).sections.find((x) => x.header === header);
    if (!s) return undefined;
    const key = s.settings.find(([k]) => k === 'aws_access_key_id');
    const held = key ? settingValue(key[1]) : '';
    // Holding some other key: not the section the run recorded any more.
    if (held && str(details.keyId) && held !== details.keyId) return undefined;
    return { ids: { keyId: held } };
  },
  async delete(_ctx, id, details) {
    const { path, header } = split(id);
    const file = details.file === 'config' ? 'config' : 'credentials';
    const keyIds = new Set(str(details.keyId) ? [String(details.keyId)] : []);
    await removeProfileSections(path, file, [header], keyIds);
  },
  // The CLI files are compared byte for byte by `lab test`; the account holds no sections.
  snapshot: async () => [],
  describe: (id) => {
    const { path, header } = split(id);
    return `[${header}] in ${path}`;
  },
};
