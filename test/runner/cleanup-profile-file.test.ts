// Profile-file edits keep every other byte: comments, other profiles, blank
// lines, ordering, CRLF line endings, a missing final newline, the file mode.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import {
  chmod,
  lstat,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  removeProfileSections,
  removeSections,
  parseSections,
} from '../../runner/resources/profile-file.ts';
import { findProfileSections } from '../../runner/ownership/index.ts';

const KEY = 'AKIAEXAMPLELAB000001';
const OTHER = 'AKIAEXAMPLEOTHER0002';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** Remove the section whose header is `header` (the test's own way to find it). */
function without(text: string, header: string): string {
  const s = parseSections(text).sections.filter((x) => x.header === header);
  expect(s.length).toBeGreaterThan(0);
  return removeSections(
    text,
    s.map((x) => x.start),
  );
}

describe('removeSections on raw text', () => {
  it('removes a middle section with the blank line that separated it, and nothing else', () => {
    const before = [
      '# my credentials; do not share',
      '[default]',
      `aws_access_key_id = ${OTHER}`,
      `aws_secret_access_key = ${SECRET}`,
      '',
      '[lab]',
      `aws_access_key_id = ${KEY}`,
      `aws_secret_access_key = ${SECRET}`,
      '',
      '; work account below',
      '[work]',
      'aws_access_key_id=AKIAWORKWORKWORK0003',
      '',
    ].join('\n');
    const after = [
      '# my credentials; do not share',
      '[default]',
      `aws_access_key_id = ${OTHER}`,
      `aws_secret_access_key = ${SECRET}`,
      '',
      '; work account below',
      '[work]',
      'aws_access_key_id=AKIAWORKWORKWORK0003',
      '',
    ].join('\n');
    expect(without(before, 'lab')).toBe(after);
  });

  it('keeps CRLF line endings byte for byte (section first in the file)', () => {
    const before =
      '[profile lab]\r\nregion = ap-southeast-2\r\noutput = json\r\n\r\n# keep me\r\n[default]\r\nregion = us-east-1\r\n';
    expect(without(before, 'profile lab')).toBe('# keep me\r\n[default]\r\nregion = us-east-1\r\n');
  });

  it('removes the last section of a file without a final newline, and the gap before it', () => {
    const before = '[default]\nregion = us-east-1\n\n[profile lab]\nregion = ap-southeast-2';
    expect(without(before, 'profile lab')).toBe('[default]\nregion = us-east-1\n');
  });

  it('keeps a file without a final newline exactly when the section is elsewhere', () => {
    const before = '[lab]\r\nregion=x\r\n[default]\r\nregion = us-east-1';
    expect(without(before, 'lab')).toBe('[default]\r\nregion = us-east-1');
  });

  it('takes nested settings and comments inside the section, keeps comments after it', () => {
    const before = [
      '[profile lab]',
      '# added for day42',
      'region = ap-southeast-2',
      's3 =',
      '  max_concurrent_requests = 4',
      '# about the next profile',
      '[profile dev]',
      'region = eu-west-1',
    ].join('\n');
    expect(without(before, 'profile lab')).toBe(
      ['# about the next profile', '[profile dev]', 'region = eu-west-1'].join('\n'),
    );
  });
});

describe('profile sections of deleted keys in the learner files', () => {
  let dir: string;
  let files: { configFile: string; credentialsFile: string };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-profile-'));
    files = { configFile: join(dir, 'config'), credentialsFile: join(dir, 'credentials') };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('removes [lab] from credentials and [profile lab] from config; keeps the rest and the mode', async () => {
    const creds =
      `# personal\r\n[default]\r\naws_access_key_id = ${OTHER}\r\naws_secret_access_key = ${SECRET}\r\n\r\n` +
      `[lab]\r\naws_access_key_id = ${KEY}\r\naws_secret_access_key = ${SECRET}\r\n\r\n` +
      `[sso-user]\r\naws_access_key_id = AKIAOTHERUSER0000004\r\naws_secret_access_key = ${SECRET}`;
    const config =
      `[default]\nregion = us-east-1\n\n[profile lab]\nregion = ap-southeast-2\noutput = json\n\n` +
      `[profile lab-sso]\nsso_start_url = https://example.awsapps.com/start\n`;
    await writeFile(files.credentialsFile, creds);
    await writeFile(files.configFile, config);
    await chmod(files.credentialsFile, 0o600);
    await chmod(files.configFile, 0o640);

    const found = await findProfileSections(files, new Set([KEY]));
    expect(found.remove.map((r) => `${r.file}:${r.header}:${r.reason}`).sort()).toEqual([
      'config:profile lab:same-profile',
      'credentials:lab:holds-key',
    ]);
    await removeProfileSections(files.credentialsFile, 'credentials', ['lab'], new Set([KEY]));
    await removeProfileSections(files.configFile, 'config', ['profile lab'], new Set([KEY]));

    expect(await readFile(files.credentialsFile, 'utf8')).toBe(
      `# personal\r\n[default]\r\naws_access_key_id = ${OTHER}\r\naws_secret_access_key = ${SECRET}\r\n\r\n` +
        `[sso-user]\r\naws_access_key_id = AKIAOTHERUSER0000004\r\naws_secret_access_key = ${SECRET}`,
    );
    expect(await readFile(files.configFile, 'utf8')).toBe(
      `[default]\nregion = us-east-1\n\n[profile lab-sso]\nsso_start_url = https://example.awsapps.com/start\n`,
    );
    expect((await stat(files.credentialsFile)).mode & 0o777).toBe(0o600);
    expect((await stat(files.configFile)).mode & 0o777).toBe(0o640);
    // The atomic write leaves no temp file behind.
    expect((await readdir(dir)).sort()).toEqual(['config', 'credentials']);
  });

  it("keeps the config half of a profile that also holds the learner's own settings", async () => {
    await writeFile(files.credentialsFile, `[lab]\naws_access_key_id = ${KEY}\n`);
    await writeFile(
      files.configFile,
      `[profile lab]\nregion = ap-southeast-2\nrole_arn = arn:aws:iam::123456789012:role/x\n`,
    );
    const found = await findProfileSections(files, new Set([KEY]));
    expect(found.remove.map((r) => r.header)).toEqual(['lab']);
    expect(found.kept.map((k) => k.header)).toEqual(['profile lab']);
    expect(found.kept[0].why).toContain('role_arn');
  });

  it('undoes what the real `aws configure set` added, byte for byte', async () => {
    const creds = `# mine\n[default]\naws_access_key_id = ${OTHER}\naws_secret_access_key = ${SECRET}\n`;
    // LF here: `aws configure set` itself rewrites a CRLF file with LF line endings.
    const config = `[default]\nregion = us-east-1\n# trailing comment\n`;
    await writeFile(files.credentialsFile, creds);
    await writeFile(files.configFile, config);
    const env = {
      ...process.env,
      AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
      AWS_CONFIG_FILE: files.configFile,
    };
    const set = (k: string, v: string) =>
      execFileSync('aws', ['configure', 'set', k, v, '--profile', 'lab'], { env });
    set('aws_access_key_id', KEY);
    set('aws_secret_access_key', SECRET);
    set('region', 'ap-southeast-2');
    set('output', 'json');
    expect(await readFile(files.credentialsFile, 'utf8')).toContain(KEY);

    const found = await findProfileSections(files, new Set([KEY]));
    for (const r of found.remove) {
      await removeProfileSections(r.path, r.file, [r.header], new Set([KEY]));
    }
    expect(await readFile(files.credentialsFile, 'utf8')).toBe(creds);
    expect(await readFile(files.configFile, 'utf8')).toBe(config);
  });

  it('edits a symlinked credentials file through the link, which stays a link', async () => {
    const real = join(dir, 'dotfiles-credentials');
    await writeFile(
      real,
      `[keep]\naws_access_key_id = ${OTHER}\n\n[lab]\naws_access_key_id = ${KEY}\n`,
    );
    await symlink(real, files.credentialsFile);
    await removeProfileSections(files.credentialsFile, 'credentials', ['lab'], new Set([KEY]));
    expect((await lstat(files.credentialsFile)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe(`[keep]\naws_access_key_id = ${OTHER}\n`);
  });

  it('leaves a section alone that was re-configured with another key since planning', async () => {
    const creds = `[lab]\naws_access_key_id = ${OTHER}\n`;
    await writeFile(files.credentialsFile, creds);
    expect(
      await removeProfileSections(files.credentialsFile, 'credentials', ['lab'], new Set([KEY])),
    ).toEqual([]);
    expect(await readFile(files.credentialsFile, 'utf8')).toBe(creds);
  });
});
