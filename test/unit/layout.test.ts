import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../cli/local/definition';

// The layout the README's Development section describes, kept true by reading the sources.

function sources(dir: string): string[] {
  return readdirSync(resolve(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Every module a file imports (static and dynamic), as a path from the repository root when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(resolve(REPO_ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  return specs.map((spec) =>
    spec.startsWith('.') ? relative(REPO_ROOT, resolve(REPO_ROOT, file, '..', spec)) : spec,
  );
}

function violations(dirs: string[], forbidden: string[]): string[] {
  return dirs.flatMap(sources).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
      .map((target) => `${file} imports ${target}`),
  );
}

describe('the layout', () => {
  it('keeps lib/ free of imports from functions/, cli/, emulator/ and scripts/', () => {
    expect(violations(['lib'], ['functions', 'cli', 'emulator', 'scripts'])).toEqual([]);
  });

  it('keeps functions/ free of imports from cli/, emulator/ and scripts/', () => {
    expect(violations(['functions'], ['cli', 'emulator', 'scripts'])).toEqual([]);
  });

  it('reads process.env only in the config module (functions) and cli/lib/env.ts (the CLI)', () => {
    const readers = ['lib', 'functions', 'cli']
      .flatMap(sources)
      .filter((file) =>
        readFileSync(resolve(REPO_ROOT, file), 'utf8')
          .split('\n')
          .some((line) => /process\.env/.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)),
      )
      .sort();
    expect(readers).toEqual(['cli/lib/env.ts', 'lib/runtime/config.ts']);
  });

  it('finds what it looks for (the checks are not vacuous)', () => {
    expect(importsOf('functions/plan/handler.ts').some((t) => t.startsWith('lib/'))).toBe(true);
    expect(sources('lib').length).toBeGreaterThan(20);
  });
});
