import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';
import { distance } from 'fastest-levenshtein';
import { addDays } from './wall-clock';

/**
 * Skip days: public holidays of a country or region (from date-holidays) and explicit dates or ranges.
 *
 * date-holidays carries every country's rules (1.45 MiB bundled), far over a function's bundle budget, so the
 * holidays are expanded here — when packaging, and in the CLI — into plain dates that travel in the
 * schedule's execution input. The functions only compare dates (./run-calendar.ts).
 */

/** The days a schedule skips, as validated from the file. */
export interface SkipDays {
  /** Canonical codes: a country (`DE`), a state (`DE-BE`), or a region (`DE-BY-A`). */
  holidays: string[];
  /** Dates (`2026-12-24`) and inclusive ranges (`2026-12-27..2027-01-01`), as written. */
  dates: string[];
  /** The shared calendar the schedule refers to, when it does. */
  calendar?: string;
}

/** Public holidays by local date, e.g. `{ "2026-12-25": "Christmas Day" }`. */
export type HolidayDates = Record<string, string>;

const HOLIDAY_NAME_MAX = 128;
/** Codes people reach for that the library spells differently. */
const ALIASES: Record<string, string> = { UK: 'GB', EL: 'GR' };

const require = createRequire(import.meta.url);
let library: typeof HolidaysClass | undefined;
/** Loaded on first use: the library takes ~140 ms to import, which no other command should pay. */
function Holidays(): typeof HolidaysClass {
  library ??= require('date-holidays') as typeof HolidaysClass;
  return library;
}

let directory: HolidaysClass | undefined;
function holidayDirectory(): HolidaysClass {
  directory ??= new (Holidays())();
  return directory;
}

/** The public holidays of one code and year: the same years are asked for again and again (CLI, packaging). */
const yearCache = new Map<string, ReadonlyArray<{ date: string; days: number; name: string }>>();
function publicHolidays(code: string, year: number) {
  const key = `${code}:${year}`;
  let found = yearCache.get(key);
  if (!found) {
    const [country = '', state, region] = code.split('-');
    const H = Holidays();
    const calendar = new H(
      { country, ...(state && { state }), ...(region && { region }) },
      { languages: ['en'] },
    );
    found = (calendar.getHolidays(year) || [])
      .filter((h) => h.type === 'public')
      .map((h) => ({
        date: h.date.slice(0, 10),
        days: Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000)),
        name: h.name,
      }));
    yearCache.set(key, found);
  }
  return found;
}

/**
 * Checks a holiday code (`DE`, `DE-BE`, `de-be`, `NZ-CAN-Timaru`) against the library's countries, states
 * and regions, and returns its canonical spelling, or a problem with "did you mean".
 */
export function holidayCode(code: string): { code: string } | { problem: string } {
  const directory = holidayDirectory();
  const [countryPart = '', statePart, regionPart, ...extra] = code.trim().split('-');
  if (code.trim() === '' || extra.length > 0) {
    return {
      problem: `"${code}" is not a holiday code: use a country (DE), a state (DE-BE) or a region (DE-BY-A)`,
    };
  }
  const countries = directory.getCountries('en');
  const country = findCode(countries, ALIASES[countryPart.toUpperCase()] ?? countryPart);
  if (country === undefined) {
    return { problem: `unknown country "${countryPart}"${suggest(countryPart, countries)}` };
  }
  if (statePart === undefined) return { code: country };
  const states = directory.getStates(country, 'en') ?? {};
  const state = findCode(states, statePart);
  if (state === undefined) {
    const known = Object.keys(states);
    const list =
      known.length > 0 ? ` (${country}: ${known.join(', ')})` : ` (${country} has no states in the library)`;
    return { problem: `unknown state "${statePart}" of ${country}${suggest(statePart, states)}${list}` };
  }
  if (regionPart === undefined) return { code: `${country}-${state}` };
  const regions = directory.getRegions(country, state, 'en') ?? {};
  const region = findCode(regions, regionPart);
  if (region === undefined) {
    const known = Object.keys(regions);
    const list = known.length > 0 ? ` (${country}-${state}: ${known.join(', ')})` : '';
    return {
      problem: `unknown region "${regionPart}" of ${country}-${state}${suggest(regionPart, regions)}${list}`,
    };
  }
  return { code: `${country}-${state}-${region}` };
}

/** The library's code for `wanted`, matching case-insensitively. */
function findCode(known: Record<string, string>, wanted: string): string | undefined {
  return Object.keys(known).find((k) => k.toLowerCase() === wanted.toLowerCase());
}

/** ` (did you mean DE (Germany)?)`: the closest codes or names, at most three, or nothing. */
function suggest(wanted: string, known: Record<string, string>): string {
  const w = wanted.toLowerCase();
  const limit = Math.max(1, Math.floor(w.length / 3));
  const scored = Object.entries(known).map(([code, name]) => ({
    code,
    name,
    d: Math.min(distance(w, code.toLowerCase()), distance(w, name.toLowerCase())),
  }));
  const best = Math.min(...scored.map((s) => s.d));
  const close = scored
    .filter((s) => s.d <= limit && s.d === best)
    .sort((a, b) => a.code.localeCompare(b.code))
    .slice(0, 3);
  if (close.length === 0) return '';
  return ` (did you mean ${close.map((s) => `${s.code} (${s.name})`).join(', ')}?)`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** The problem with a skip date or range (`2026-12-24`, `2026-12-27..2027-01-01`), if any. */
export function dateEntryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'string')
    return 'must be a date such as "2026-12-24" or a range "2026-12-27..2027-01-01"';
  const parts = entry.split('..');
  if (parts.length > 2 || parts.some((p) => !DATE.test(p))) {
    return `"${entry}" is not a date such as "2026-12-24" or a range "2026-12-27..2027-01-01"`;
  }
  const bad = parts.find((p) => !isDate(p));
  if (bad !== undefined) return `"${bad}" is not a real date`;
  if (parts.length === 2 && parts[0]! > parts[1]!) return `range "${entry}" ends before it starts`;
  return undefined;
}

/**
 * The public holidays (type `public` only: not bank, school, optional or observance days) of the given codes
 * whose local dates fall in `[from, to]`, in English where the library has English names. A holiday that
 * lasts several days (Eid al-Fitr in some countries) covers each of its dates; holidays of several codes on
 * one date are named together (`Christmas Day / …`).
 */
export function expandHolidays(codes: readonly string[], from: string, to: string): HolidayDates {
  const names = new Map<string, string[]>();
  const firstYear = Number(from.slice(0, 4));
  const lastYear = Number(to.slice(0, 4));
  for (const code of codes) {
    for (let year = firstYear; year <= lastYear; year++) {
      for (const holiday of publicHolidays(code, year)) {
        for (let i = 0; i < holiday.days; i++) {
          const date = addDays(holiday.date, i);
          if (date < from || date > to) continue;
          const list = names.get(date) ?? [];
          if (!list.includes(holiday.name)) list.push(holiday.name);
          names.set(date, list);
        }
      }
    }
  }
  return Object.fromEntries(
    [...names.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, list]) => [date, truncate(list.join(' / '), HOLIDAY_NAME_MAX)]),
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Validates a skip spec as written in the file — `{ holidays: "DE-BE" | [...], dates: [...] }` — reporting each
 * problem against its field (`holidays[1]`, `dates[0]`). Returns the spec with canonical holiday codes, or
 * undefined when anything was wrong.
 */
export function parseSkipDays(
  raw: unknown,
  report: (field: string, problem: string) => void,
): SkipDays | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report(
      '(skip)',
      'must be a mapping with holidays and/or dates, such as { holidays: DE-BE, dates: ["2026-12-24"] }',
    );
    return undefined;
  }
  let ok = true;
  const fail = (field: string, problem: string) => {
    ok = false;
    report(field, problem);
  };
  const { holidays, dates, ...unknown } = raw as Record<string, unknown>;
  for (const key of Object.keys(unknown)) fail(key, 'unknown field (use holidays and dates)');
  if (holidays === undefined && dates === undefined) {
    fail('(skip)', 'give holidays (a country or region code such as DE-BE), dates, or both');
  }

  const codes: string[] = [];
  const holidayList = typeof holidays === 'string' ? [holidays] : holidays;
  if (holidayList !== undefined && !Array.isArray(holidayList)) {
    fail('holidays', 'must be a code such as "DE-BE" or a list such as ["DE-BE", "FR"]');
  } else {
    (holidayList ?? []).forEach((code: unknown, i: number) => {
      const field = typeof holidays === 'string' ? 'holidays' : `holidays[${i}]`;
      if (typeof code !== 'string') {
        fail(field, 'must be a code such as "DE" or "DE-BE"');
        return;
      }
      const checked = holidayCode(code);
      if ('problem' in checked) fail(field, checked.problem);
      else if (!codes.includes(checked.code)) codes.push(checked.code);
    });
  }

  const entries: string[] = [];
  if (dates !== undefined && !Array.isArray(dates)) {
    fail('dates', 'must be a list such as ["2026-12-24", "2026-12-27..2027-01-01"]');
  } else {
    (dates ?? []).forEach((entry: unknown, i: number) => {
      const problem = dateEntryProblem(entry);
      if (problem !== undefined) fail(`dates[${i}]`, problem);
      else if (!entries.includes(entry as string)) entries.push(entry as string);
    });
  }
  return ok ? { holidays: codes, dates: entries } : undefined;
}
