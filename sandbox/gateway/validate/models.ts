// AWS's own service models, as botocore ships them (`botocore/data/<service>/<version>/
// service-2.json[.gz]`): the operations, their input shapes and every constraint (required,
// enum, min/max, pattern) the services validate with. The directory is found once at sandbox
// start by asking the Python that runs moto (sandbox/lifecycle/botocore.ts); each service's model
// is read the first time a request for it arrives and kept (EC2's is 5 MB of JSON: ~0.3 s once).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface Shape {
  type: string;
  members?: Record<string, Member>;
  required?: string[];
  member?: Member;
  key?: Member;
  value?: Member;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  flattened?: boolean;
  sensitive?: boolean;
  locationName?: string;
  payload?: string;
}

export interface Member {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  documentation?: string;
}

export interface Operation {
  name: string;
  http?: { method: string; requestUri: string };
  input?: Member;
}

export interface ServiceModel {
  metadata: { protocol: string; apiVersion: string; jsonVersion?: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

// The API version each served service speaks (the clients send these; docs/gateway.md).
const VERSIONS: Record<string, string> = {
  iam: '2010-05-08',
  sts: '2011-06-15',
  ec2: '2016-11-15',
  s3: '2006-03-01',
  cloudtrail: '2013-11-01',
};

export class ModelsMissingError extends Error {}

/** Throws ModelsMissingError unless `dir` holds the models of every service the sandbox serves. */
export function checkModelsDir(dir: string): void {
  const missing = Object.entries(VERSIONS).filter(([s, v]) => !modelFile(dir, s, v));
  if (missing.length) {
    throw new ModelsMissingError(
      `botocore's service models are missing from ${dir} (${missing.map(([s, v]) => `${s}/${v}`).join(', ')}).`,
    );
  }
}

function modelFile(dir: string, service: string, version: string): string | undefined {
  for (const name of ['service-2.json.gz', 'service-2.json']) {
    const f = join(dir, service, version, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** One cache per models directory: a service's model is parsed once per gateway process. */
export function modelStore(dir: string): (service: string | undefined) => ServiceModel | undefined {
  const cache = new Map<string, ServiceModel | undefined>();
  return (service) => {
    if (!service || !VERSIONS[service]) return undefined;
    if (cache.has(service)) return cache.get(service);
    const file = modelFile(dir, service, VERSIONS[service]) ?? newestFile(dir, service);
    let model: ServiceModel | undefined;
    if (file) {
      const raw = readFileSync(file);
      model = JSON.parse(
        (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'),
      ) as ServiceModel;
    }
    cache.set(service, model);
    return model;
  };
}

function newestFile(dir: string, service: string): string | undefined {
  try {
    const versions = readdirSync(join(dir, service)).sort().reverse();
    for (const v of versions) {
      const f = modelFile(dir, service, v);
      if (f) return f;
    }
  } catch {
    // no such service directory
  }
  return undefined;
}
