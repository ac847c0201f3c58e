/**
 * Captures what the functions print (Powertools JSON logs and EMF metrics) while local runs are active,
 * so the runner can show its own progress cleanly and tests can assert on metrics and logs.
 */
export interface Captured {
  emf: Array<Record<string, unknown>>;
  logs: Array<Record<string, unknown>>;
  other: string[];
}

const sinks = new Set<Captured>();
let originalWrite: typeof process.stdout.write | undefined;
let buffer = '';

/** Writes to the real stdout, bypassing any capture. */
export function writeOut(text: string): void {
  (originalWrite ?? process.stdout.write).call(process.stdout, text);
}

export function startCapture(): Captured {
  const sink: Captured = { emf: [], logs: [], other: [] };
  if (sinks.size === 0) {
    originalWrite = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        dispatch(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  }
  sinks.add(sink);
  return sink;
}

export function stopCapture(sink: Captured): void {
  sinks.delete(sink);
  if (sinks.size === 0 && originalWrite) {
    if (buffer) dispatch(buffer);
    buffer = '';
    process.stdout.write = originalWrite;
    originalWrite = undefined;
  }
}

function dispatch(line: string): void {
  if (!line.trim()) return;
  let parsed: Record<string, unknown> | undefined;
  try {
    const value = JSON.parse(line) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value))
      parsed = value as Record<string, unknown>;
  } catch {
    parsed = undefined;
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
