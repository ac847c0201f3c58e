/**
 * Captures what the functions print (Powertools JSON logs on stdout and stderr, EMF metrics on stdout)
 * while local runs are active, so the runner can show its own progress cleanly and tests can assert on
 * metrics and logs. Lines that are not JSON on stderr still reach the terminal.
 */
export interface Captured {
  emf: Array<Record<string, unknown>>;
  logs: Array<Record<string, unknown>>;
  other: string[];
}

type Write = typeof process.stdout.write;

const sinks = new Set<Captured>();
const originals: { stdout?: Write; stderr?: Write } = {};
const buffers = { stdout: '', stderr: '' };

/** Writes to the real stdout, bypassing any capture. */
export function writeOut(text: string): void {
  (originals.stdout ?? process.stdout.write).call(process.stdout, text);
}

/** Writes to the real stderr, bypassing any capture. */
export function writeErr(text: string): void {
  (originals.stderr ?? process.stderr.write).call(process.stderr, text);
}

function intercept(stream: 'stdout' | 'stderr'): Write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    buffers[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let nl = buffers[stream].indexOf('\n');
    while (nl >= 0) {
      dispatch(buffers[stream].slice(0, nl), stream);
      buffers[stream] = buffers[stream].slice(nl + 1);
      nl = buffers[stream].indexOf('\n');
    }
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as Write;
}

export function startCapture(): Captured {
  const sink: Captured = { emf: [], logs: [], other: [] };
  if (sinks.size === 0) {
    originals.stdout = process.stdout.write;
    originals.stderr = process.stderr.write;
    process.stdout.write = intercept('stdout');
    process.stderr.write = intercept('stderr');
  }
  sinks.add(sink);
  return sink;
}

export function stopCapture(sink: Captured): void {
  sinks.delete(sink);
  if (sinks.size === 0 && originals.stdout && originals.stderr) {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (buffers[stream]) dispatch(buffers[stream], stream);
      buffers[stream] = '';
    }
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
    originals.stdout = undefined;
    originals.stderr = undefined;
  }
}

function dispatch(line: string, stream: 'stdout' | 'stderr'): void {
  if (!line.trim()) return;
  let parsed: Record<string, unknown> | undefined;
  try {
    const value = JSON.parse(line) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value))
      parsed = value as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  if (!parsed && stream === 'stderr') {
    // Not ours (a Node warning, say): let it through.
    writeErr(`${line}\n`);
    return;
  }
  for (const sink of sinks) {
    if (!parsed) sink.other.push(line);
    else if ('_aws' in parsed) sink.emf.push(parsed);
    else sink.logs.push(parsed);
  }
}
/** Sums a metric over captured EMF documents (optionally only those with the given dimensions). */
export function metricSum(
  emf: Array<Record<string, unknown>>,
  name: string,
  dims: Record<string, string> = {},
): number {
  let total = 0;
  for (const doc of emf) {
    if (!Object.entries(dims).every(([k, v]) => doc[k] === v)) continue;
    const value = doc[name];
    if (typeof value === 'number') total += value;
    else if (Array.isArray(value)) total += value.reduce((a: number, b) => a + Number(b), 0);
  }
  return total;
}

/** Every value recorded for a metric (EMF stores repeated values as an array). */
export function metricValues(emf: Array<Record<string, unknown>>, name: string): number[] {
  const out: number[] = [];
  for (const doc of emf) {
    const value = doc[name];
    if (typeof value === 'number') out.push(value);
    else if (Array.isArray(value)) out.push(...value.map(Number));
  }
  return out;
}
