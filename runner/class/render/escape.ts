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
 * CVE-2021-42574): each is shown as its escape (`\x1b`, `\u202e`) instead. So are the line
 * and paragraph separators U+2028/U+2029 (some terminals break the line there) and the
 * zero-width characters that make two names look alike (names holding them are refused at
 * join since issue 16; older rows may still).
 */
export function terminalText(s: string): string {
  return s
    .replace(
      /[\u0000-\u001f\u007f-\u009f]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    )
    .replace(
      /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
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
