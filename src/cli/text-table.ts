/** Renders rows as a plain, left-aligned text table with a header rule; cells are cut at `maxCellWidth`. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  maxCellWidth = 48,
): string {
  const cut = (s: string) => (s.length > maxCellWidth ? `${s.slice(0, maxCellWidth - 1)}…` : s);
  const cells = [header, ...rows].map((r) => header.map((_, i) => cut((r[i] ?? '').replace(/\s+/g, ' '))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  return [line(head as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Flattens nested objects into dot paths (`{a: {b: 1}}` -> `{'a.b': 1}`); arrays stay values. */
export function flatten(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (prefix !== '') {
    out[prefix] = value;
  }
  return out;
}

export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
