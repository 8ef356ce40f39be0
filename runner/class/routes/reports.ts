// Building a class's report for a request: the dashboard's overview (several labs,
// aggregated by the database) or a full report (CSV and JSON need every cell).
import { HttpError } from '../../http/index.ts';
import { ReportQuery, validate } from '../schema.ts';
import { buildReport, reportLabs, type LabReport } from '../report.ts';
import { buildOverview } from '../overview.ts';
import type { StepOrder } from '../labs.ts';
import type { ClassStore } from '../store/index.ts';

export interface ReportDeps {
  store: ClassStore;
  stepOrder: StepOrder;
  now: () => number;
}

export async function report(
  d: ReportDeps,
  classId: string,
  query: URLSearchParams,
  overview = false,
) {
  const q = validate(ReportQuery, Object.fromEntries(query));
  // The dashboard of a class with several labs shows only an overview: skip the details.
  // The database aggregates it (O(labs × steps) rows come back, not every progress row).
  const r =
    overview && !q.lab && (await d.store.labs(classId)).length > 1
      ? await buildOverview(d.store, classId, { stepOrder: d.stepOrder, now: d.now() })
      : await buildReport(d.store, classId, { lab: q.lab, stepOrder: d.stepOrder, now: d.now() });
  if (!r) throw new HttpError(404, 'no_such_class', `No class ${classId}.`);
  return { q, r };
}

export async function fullReport(d: ReportDeps, classId: string, query: URLSearchParams) {
  const { q, r } = await report(d, classId, query);
  if ('overview' in r) throw new Error('unreachable: an overview without overview=true');
  return { q, r };
}

export async function labReports(d: ReportDeps, classId: string, query: URLSearchParams) {
  const q = validate(ReportQuery, Object.fromEntries(query));
  const r = await reportLabs(d.store, classId, {
    lab: q.lab,
    stepOrder: d.stepOrder,
    now: d.now(),
  });
  if (!r) throw new HttpError(404, 'no_such_class', `No class ${classId}.`);
  return r;
}

/**
 * The report as JSON, written a lab at a time: the same bytes as JSON.stringify of the whole
 * report, without holding a whole class's cells (60,000 for 1,000 learners × 10 labs × 6
 * steps) in memory at once. A failure after the first byte aborts the response instead of
 * sending half a document as if whole.
 */
export function reportJsonStream(r: {
  class: { id: string; name: string };
  generatedAt: number;
  labs: AsyncIterable<LabReport>;
}): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  async function* parts() {
    yield `{"class":${JSON.stringify(r.class)},"generatedAt":${JSON.stringify(r.generatedAt)},"labs":[`;
    let sep = '';
    for await (const lab of r.labs) {
      yield sep + JSON.stringify(lab);
      sep = ',';
    }
    yield ']}';
  }
  const it = parts();
  return new ReadableStream({
    async pull(ctrl) {
      const n = await it.next();
      if (n.done) ctrl.close();
      else ctrl.enqueue(enc.encode(n.value));
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}

export function dashboardLinks(classId: string, lab?: string) {
  return {
    csv: `/class/${classId}/report.csv${lab ? `?lab=${encodeURIComponent(lab)}` : ''}`,
    lab: (l: string) => `/class/${classId}/dashboard?lab=${encodeURIComponent(l)}`,
    all: lab ? `/class/${classId}/dashboard` : undefined,
  };
}
