/**
 * @gridhub/contracts runs in Node and in the browser alike: no runtime dependencies, no Node or NestJS imports,
 * and every package reaches it (and each other) by package name, never by a path into another package's source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PACKAGES = ['contracts', 'ingest', 'gridops', 'hub', 'simulators', 'map-ui'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(name) ? [path] : [];
  });
}

const SPECIFIER = /(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g;
const specifiers = (file: string) => [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => m[1]!);

describe('@gridhub/contracts', () => {
  it('has no runtime dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'contracts', 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
  });

  it('imports nothing but its own modules (no Node, NestJS or other package)', () => {
    const outside = sourceFiles(join(ROOT, 'contracts', 'src'))
      .filter((f) => !f.endsWith('.spec.ts'))
      .flatMap((f) => specifiers(f).filter((s) => !s.startsWith('./')).map((s) => `${relative(ROOT, f)}: ${s}`));
    expect(outside).toEqual([]);
  });

  it('compiles without Node or DOM types', () => {
    const tsconfig = readFileSync(join(ROOT, 'contracts', 'tsconfig.json'), 'utf8');
    expect(tsconfig).toMatch(/"types":\s*\[\]/);
    expect(tsconfig).toMatch(/"lib":\s*\["ES2022"\]/);
  });

  it('is reached by package name: no package imports another package’s files by path', () => {
    const crossing = PACKAGES.flatMap((pkg) =>
      sourceFiles(join(ROOT, pkg)).flatMap((f) =>
        specifiers(f)
          .filter((s) => /^@gridhub\/[^/]+\/(src|dist)\b/.test(s) || (s.startsWith('.') && !join(f, '..', s).startsWith(join(ROOT, pkg))))
          .map((s) => `${relative(ROOT, f)}: ${s}`),
      ),
    );
    expect(crossing).toEqual([]);
  });

  it('each package that uses it declares it', () => {
    const undeclared = PACKAGES.filter((pkg) => pkg !== 'contracts').filter((pkg) => {
      const uses = sourceFiles(join(ROOT, pkg)).some((f) => specifiers(f).includes('@gridhub/contracts'));
      const manifest = JSON.parse(readFileSync(join(ROOT, pkg, 'package.json'), 'utf8'));
      return uses && !manifest.dependencies?.['@gridhub/contracts'];
    });
    expect(undeclared).toEqual([]);
  });
});
