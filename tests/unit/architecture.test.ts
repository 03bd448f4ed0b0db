import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildImportGraph,
  edgesWithin,
  findCycles,
  folderGraphOf,
  importSpecifiers,
  layerViolations,
  renderImportGraph,
  type Graph,
  type ImportGraph,
} from '@/scripts/lib/import-graph';
import { importViolations, layerViolation, libNodeOf, resolveSpecifier } from '@/scripts/lib/architecture.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const graphOf = (edges: [string, string][]): Graph => {
  const graph: Graph = new Map();
  for (const [from, to] of edges) {
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  return graph;
};
/** An in-memory ImportGraph from file-level edges, the way buildImportGraph would make it. */
const importGraphOf = (edges: [string, string][]): ImportGraph => {
  const files = graphOf(edges);
  const folderEdges = new Map<string, number>();
  for (const [from, to] of edges) {
    const key = `${libNodeOf(from)} -> ${libNodeOf(to)}`;
    if (libNodeOf(from) !== libNodeOf(to)) folderEdges.set(key, (folderEdges.get(key) ?? 0) + 1);
  }
  return { files, folderEdges, outside: [] };
};

describe('the checker itself', () => {
  it('finds a cycle, and only the nodes on it', () => {
    const graph = graphOf([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
      ['d', 'e'],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
    expect(edgesWithin(graph, ['a', 'b', 'c'])).toEqual(['a -> b', 'b -> c', 'c -> a']);
  });

  it('finds two separate cycles and a file importing itself, and nothing in an acyclic graph', () => {
    expect(findCycles(graphOf([['x', 'y'], ['y', 'x'], ['p', 'q'], ['q', 'p'], ['s', 's'], ['x', 'p']]))).toEqual([['p', 'q'], ['s'], ['x', 'y']]);
    expect(findCycles(graphOf([['a', 'b'], ['a', 'c'], ['b', 'c'], ['c', 'd']]))).toEqual([]);
  });

  it('survives a chain longer than the call stack', () => {
    const edges: [string, string][] = Array.from({ length: 20_000 }, (_, i) => [`n${i}`, `n${i + 1}`]);
    expect(findCycles(graphOf(edges))).toEqual([]);
    edges.push(['n20000', 'n0']);
    expect(findCycles(graphOf(edges))[0]).toHaveLength(20_001);
  });

  it('reports an import up the layer order, naming both folders, the order and the file', () => {
    const violations = layerViolations(importGraphOf([
      ['lib/intake/process-press.ts', 'lib/presses/thumbnails.ts'],
      ['lib/presses/retry-press.ts', 'lib/intake/accept-press.ts'],
    ]));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain('lib/presses may not import lib/intake');
    expect(violations[0]).toContain('api > setup > registrations');
    expect(violations[0]).toContain('lib/presses/retry-press.ts -> lib/intake/accept-press.ts');
  });

  it('places lib/rules/engine as its own node below lib/rules', () => {
    expect(libNodeOf('lib/rules/engine/sandbox/harden.mjs')).toBe('lib/rules/engine');
    expect(libNodeOf('lib/rules/rule-test.ts')).toBe('lib/rules');
    expect(layerViolation('lib/rules', 'lib/rules/engine')).toBeNull();
    expect(layerViolation('lib/rules/engine', 'lib/rules')).toContain('may not import');
  });

  it('tells a folder from a top-level file and refuses folders that are not placed', () => {
    expect(libNodeOf('lib/env')).toBe('lib/env.ts');
    expect(libNodeOf('lib/store')).toBe('lib/store');
    expect(layerViolation('lib/presses', 'lib/newthing')).toContain('not in the layer order');
    expect(layerViolation('lib/intake', 'lib/runtime.ts')).toContain('composition root');
    expect(layerViolation('lib/runtime.ts', 'lib/api')).toBeNull();
  });

  it('keeps the adapter free of settings, the store and features', () => {
    expect(layerViolation('lib/connectwise', 'lib/env.ts')).toBeNull();
    expect(layerViolation('lib/connectwise', 'lib/store')).toContain('Manage adapter');
    expect(layerViolation('lib/connectwise', 'lib/settings')).toContain('Manage adapter');
  });

  it('keeps app and UI off the store and the adapter, and lib off app, components and lib/api', () => {
    const check = (from: string, specifier: string) => importViolations(from, resolveSpecifier(from, specifier));
    expect(check('components/notifications/types.ts', '@/lib/store/schema')[0]).toContain('UI code never imports lib/store');
    expect(check('app/(admin)/setup/page.tsx', '@/lib/store/database')[0]).toContain('UI code');
    expect(check('app/login/actions.ts', '@/lib/connectwise/errors')[0]).toContain('app code never imports lib/connectwise');
    expect(check('lib/presses/press-report.ts', '../../components/report/x')[0]).toContain('lib never imports components/');
    expect(check('components/press/form.tsx', '@/lib/api/with-admin')[0]).toContain('app/api/**/route.ts');
    expect(check('app/api/v1/presses/route.ts', '@/lib/api/with-agent')).toEqual([]);
    expect(check('app/login/actions.ts', '@/lib/auth/passwords')).toEqual([]);
    expect(check('tests/unit/x.test.ts', '@/lib/store/database')).toEqual([]);
  });

  it('reads type imports, re-exports and dynamic imports, not comments', () => {
    const source = [
      "import type { A } from '@/lib/a';",
      "export { b } from './b';",
      "const c = await import('../c');",
      "// import { d } from '@/lib/d';",
      "const text = \"from '@/lib/e'\";",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['@/lib/a', './b', '../c']);
  });
});

describe('lib as it is', () => {
  const graph = buildImportGraph(root);
  const folders = folderGraphOf(graph.folderEdges);

  it('reads the real source (a sanity check that the graph is not empty)', () => {
    expect(graph.files.size).toBeGreaterThan(100);
    expect(graph.folderEdges.get('lib/manage-client -> lib/connectwise')).toBeGreaterThan(0);
  });

  it('has no cycle among lib folders', () => {
    const cycles = findCycles(folders).map((component) => edgesWithin(folders, component).join(', '));
    expect(cycles.join('\n'), 'cut one edge of each cycle').toBe('');
  });

  it('has no cycle among lib files', () => {
    const cycles = findCycles(graph.files).map((component) => edgesWithin(graph.files, component).join(', '));
    expect(cycles.join('\n'), 'cut one edge of each cycle').toBe('');
  });

  it('follows the layer order (scripts/lib/architecture.mjs)', () => {
    expect(layerViolations(graph).join('\n')).toBe('');
  });

  it('imports nothing from app/ or components/', () => {
    expect(graph.outside).toEqual([]);
  });

  it('matches docs/import-graph.md (run `npm run graph` after changing imports in lib)', () => {
    const written = fs.readFileSync(path.join(root, 'docs/import-graph.md'), 'utf8');
    expect(written === renderImportGraph(graph), 'docs/import-graph.md is out of date: run `npm run graph`').toBe(true);
  });
});
