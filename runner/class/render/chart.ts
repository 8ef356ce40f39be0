// Completions over time as a small inline SVG bar chart: no chart library, no
// script. Buckets are hours when the class spans under three days, else days.
import { escapeHtml } from './escape.ts';

const W = 640;
const H = 160;
const PAD = 28;

export function completionsChart(times: number[], title = 'Completions over time'): string {
  if (times.length === 0) {
    return `<p class="empty">No completions yet.</p>`;
  }
  const span = times[times.length - 1] - times[0];
  const unit = span < 3 * 86_400_000 ? 3_600_000 : 86_400_000;
  const start = Math.floor(times[0] / unit) * unit;
  const n = Math.max(1, Math.floor((times[times.length - 1] - start) / unit) + 1);
  const buckets = new Array<number>(Math.min(n, 120)).fill(0);
  for (const t of times) buckets[Math.min(buckets.length - 1, Math.floor((t - start) / unit))]++;
  const max = Math.max(...buckets);
  // At most 40 units per bar: one busy hour should not look like a wall.
  const bw = Math.min(40, (W - 2 * PAD) / buckets.length);
  const label = (i: number) => {
    const iso = new Date(start + i * unit).toISOString();
    return unit === 3_600_000 ? iso.slice(0, 13).replace('T', ' ') + ':00' : iso.slice(0, 10);
  };
  const bars = buckets
    .map((v, i) => {
      const h = max ? ((H - 2 * PAD) * v) / max : 0;
      const x = PAD + i * bw;
      return `<rect x="${x.toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(label(i))}: ${v}</title></rect>`;
    })
    .join('');
  // As wide as its bars need (a single completion is one bar, not a bar lost in 640 px).
  const w = Math.ceil(Math.max(PAD * 2 + bw * buckets.length, 200));
  return `<svg class="chart" role="img" viewBox="0 0 ${w} ${H}" width="${w}" height="${H}" aria-labelledby="chart-title">
<title id="chart-title">${escapeHtml(title)}: ${times.length} in total</title>
<line x1="${PAD}" y1="${H - PAD}" x2="${w - PAD}" y2="${H - PAD}" class="axis"/>
${bars}
<text x="${PAD}" y="${H - 8}" class="tick">${escapeHtml(label(0))}</text>
<text x="${(PAD + bw * buckets.length).toFixed(1)}" y="${H - 8}" text-anchor="end" class="tick">${buckets.length > 4 ? escapeHtml(label(buckets.length - 1)) : ''}</text>
<text x="${PAD - 4}" y="${PAD}" text-anchor="end" class="tick">${max}</text>
</svg>`;
}
