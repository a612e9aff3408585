/**
 * Just enough PromQL and Prometheus text-format reading for the monitoring tests: which
 * metric names an expression selects, with which label matchers, and which series names an
 * app's /metrics exports.
 */

/** PromQL keywords that look like identifiers but name no series. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'atan2',
  'inf',
  'nan',
]);

export interface Selector {
  metric: string;
  /** Label names of the selector's matchers (`{status=~"5.."}` gives `status`). */
  labels: string[];
}

/**
 * The series selectors of an expression: string literals, range and subquery brackets and
 * grouping clauses are stripped; identifiers followed by `(` are functions or aggregations;
 * keywords and numbers are dropped. What remains are metric names, each with its matchers.
 */
export function selectors(expr: string): Selector[] {
  const strings: string[] = [];
  const text = expr
    // Strings first (a regex may hold braces or brackets); kept aside for the matchers.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (s) => {
      strings.push(s);
      return `"${strings.length - 1}"`;
    })
    .replace(/\[[^\]]*\]/g, ' ')
    // Grouping clauses go whole, so `max by (x) (...)` reads as the call `max (...)`.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out: Selector[] = [];
  // Not inside a number or a duration (`1e3`, `offset 5m`).
  const token = /(?<![\w:.])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?(\s*\()?|\{[^}]*\}/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const [whole, name, matchers, call] = m;
    if (name === undefined) throw new Error(`a selector without a metric name: ${whole}`);
    if (call !== undefined) {
      // A function or an aggregation; its matchers (if any) would be a parse error anyway.
      if (matchers !== undefined) throw new Error(`unexpected ${whole} in ${expr}`);
      continue;
    }
    if (KEYWORDS.has(name.toLowerCase())) continue;
    const labels = [...(matchers ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(
      (l) => l[1],
    );
    out.push({ metric: name, labels });
  }
  return out;
}

export interface Exposition {
  /** Every series name the text exports, histogram and summary suffixes included. */
  names: Set<string>;
  /** Label names seen on each series name's samples. */
  labels: Map<string, Set<string>>;
}

/** Reads Prometheus text format: `# TYPE` lines give the names, samples their labels. */
export function exposition(text: string): Exposition {
  const names = new Set<string>();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/.exec(line);
    if (type) {
      const [, name, kind] = type;
      names.add(name);
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      if (kind === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const seen = labels.get(sample[1]) ?? new Set<string>();
    for (const l of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) seen.add(l[1]);
    labels.set(sample[1], seen);
  }
  return { names, labels };
}
