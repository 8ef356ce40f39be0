// run.json (pids and ports of the running processes), ports.json (ports chosen once) and the
// engine's identities.json, read and written with the modes secrets need.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Identity } from '../types.ts';
import type { Layout } from './layout.ts';

export interface ProcessRecord {
  pid: number;
  port: number;
  host: string;
}

export interface RunFile {
  engine?: ProcessRecord;
  gateway?: ProcessRecord & { enginePort: number };
  startedAt?: string;
}

export interface PortsFile {
  /** The engine's private loopback port: kept, so a restarted engine is where the gateway expects it. */
  enginePort?: number;
  gatewayPort?: number;
  host?: string;
}

export interface Identities {
  accountId: string;
  learner: Identity;
  runner: Identity;
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Write via a temp file and rename, so a crash never leaves half a file. */
export function writeJson(path: string, value: unknown, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode });
  renameSync(tmp, path);
}

export const readRun = (l: Layout) => readJson<RunFile>(l.runFile) ?? {};
export const writeRun = (l: Layout, run: RunFile) => writeJson(l.runFile, run);
export const readPorts = (l: Layout) => readJson<PortsFile>(l.portsFile) ?? {};
export const writePorts = (l: Layout, p: PortsFile) => writeJson(l.portsFile, p);

export function readIdentities(l: Layout): Identities | undefined {
  const raw = readJson<Identities>(l.identities);
  if (!raw?.accountId || !raw.learner?.accessKeyId || !raw.runner?.accessKeyId) return undefined;
  return raw;
}

export function clearRun(l: Layout): void {
  if (existsSync(l.runFile)) rmSync(l.runFile, { force: true });
}
