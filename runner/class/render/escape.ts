// Learner-supplied text (display names, evidence, lab and step ids) reaches
// HTML and spreadsheets. HTML: escape the five significant characters. CSV:
// quote per RFC 4180, and defuse formulas — a cell starting with = + - @ tab
// or CR is run by Excel/LibreOffice/Sheets as a formula (OWASP "CSV
// injection"), so it gets a leading single quote.
const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML[c]);
}

export function csvCell(value: unknown): string {
  let s = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * Learner-supplied text for a terminal. Control characters could move the cursor or rewrite
 * the screen, and bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069, and the
 * LRM/RLM/ALM marks) reorder what follows them on the line (the "Trojan Source" trick,
 * CVE-2021-42574): each is shown as its escape (`\x1b`, `\u202e`) instead.
 */
export function terminalText(s: string): string {
  return s
    .replace(
      /[\u0000-\u001f\u007f-\u009f]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    )
    .replace(
      /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** 2026-11-23 14:05 (UTC): what a report shows for a time. */
export function fmtTime(ms: number | null | undefined): string {
  if (ms == null) return '';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** 1h 4m, 3m 20s, 12s. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms == null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
