/**
 * The import graph of lib/, read from the source: static imports (`import type` included),
 * re-exports and dynamic import(). TypeScript's own pre-processor finds the specifiers, so
 * comments and strings that merely look like imports do not count.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { LIB_LAYERS, layerViolation, libNodeOf, resolveSpecifier } from './architecture.mjs';

/** node -> the nodes it imports. Nodes are files or lib folders, depending on the graph. */
export type Graph = Map<string, Set<string>>;

export type ImportGraph = {
  /** Every lib source file (repository-relative, posix) -> the lib files it imports. */
  files: Graph;
  /** `from -> to` between different lib nodes -> how many file-level imports make the edge. */
  folderEdges: Map<string, number>;
  /** Imports from lib into app/ or components/ (lib sits below the pages and the UI). */
  outside: { from: string; to: string }[];
};

const SOURCE = /\.(ts|tsx|mjs|js)$/;
const CANDIDATE_SUFFIXES = ['.ts', '.tsx', '.mjs', '.js', '/index.ts', '/index.tsx', ''];

function listSourceFiles(root: string, folder: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
    const relative = `${folder}/${entry.name}`;
    if (entry.isDirectory()) found.push(...listSourceFiles(root, relative));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(relative);
  }
  return found;
}

/** The specifiers a source text imports, in order. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

function resolveFile(root: string, target: string): string | null {
  for (const suffix of CANDIDATE_SUFFIXES) {
    const candidate = target + suffix;
    const full = path.join(root, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
  }
  return null;
}

/** Reads lib/ under `root` and builds its file graph and folder graph. */
export function buildImportGraph(root: string): ImportGraph {
  const files: Graph = new Map();
  const folderEdges = new Map<string, number>();
  const outside: { from: string; to: string }[] = [];
  for (const file of listSourceFiles(root, 'lib').sort()) {
    const targets = new Set<string>();
    files.set(file, targets);
    for (const specifier of importSpecifiers(fs.readFileSync(path.join(root, file), 'utf8'))) {
      const target = resolveSpecifier(file, specifier);
      if (target === null) continue;
      const resolved = resolveFile(root, target) ?? target;
      if (!resolved.startsWith('lib/')) {
        if (/^(app|components)\//.test(resolved)) outside.push({ from: file, to: resolved });
        continue;
      }
      targets.add(resolved);
    }
  }
  for (const [file, targets] of files) {
    for (const target of targets) {
      const from = libNodeOf(file);
      const to = libNodeOf(target);
      if (from === null || to === null || from === to) continue;
      const key = `${from} -> ${to}`;
      folderEdges.set(key, (folderEdges.get(key) ?? 0) + 1);
    }
  }
  return { files, folderEdges, outside };
}

/** The folder graph as adjacency sets. */
export function folderGraphOf(folderEdges: Map<string, number>): Graph {
  const graph: Graph = new Map();
  for (const key of folderEdges.keys()) {
    const [from, to] = key.split(' -> ') as [string, string];
    if (!graph.has(from)) graph.set(from, new Set());
    if (!graph.has(to)) graph.set(to, new Set());
    graph.get(from)!.add(to);
  }
  return graph;
}

/**
 * Every cycle's strongly connected component (Tarjan), each sorted, the list sorted: a node
 * importing itself counts too. Empty means the graph is acyclic.
 */
export function findCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((targets) => [...targets])]);
  // Iterative, so a long chain of files cannot overflow the call stack.
  for (const start of [...nodes].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; targets: string[]; at: number }[] = [];
    const visit = (node: string) => {
      index.set(node, next);
      low.set(node, next);
      next += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: [...(graph.get(node) ?? [])].sort(), at: 0 });
    };
    visit(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.targets.length) {
        const target = frame.targets[frame.at]!;
        frame.at += 1;
        if (!index.has(target)) visit(target);
        else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfLoop = component.length === 1 && graph.get(frame.node)?.has(frame.node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

/** The edges of a cycle's component, for a message that shows where to cut. */
export function edgesWithin(graph: Graph, component: string[]): string[] {
  const members = new Set(component);
  return component.flatMap((from) => [...(graph.get(from) ?? [])].filter((to) => members.has(to)).sort().map((to) => `${from} -> ${to}`));
}

/** Every folder edge that breaks the layer order, with the reason and the files that make it. */
export function layerViolations(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const key of [...graph.folderEdges.keys()].sort()) {
    const [from, to] = key.split(' -> ') as [string, string];
    const why = layerViolation(from, to);
    if (why === null) continue;
    const examples = [...graph.files]
      .flatMap(([file, targets]) => [...targets].filter((target) => libNodeOf(file) === from && libNodeOf(target) === to).map((target) => `${file} -> ${target}`))
      .slice(0, 3);
    found.push(`${why}\n    e.g. ${examples.join('\n         ')}`);
  }
  return found;
}

const mermaidId = (node: string) => node.replace(/^lib\//, '').replace(/[^a-zA-Z0-9]/g, '_');

/**
 * docs/import-graph.md: the folder graph as a Mermaid flowchart (nodes in layer order) and as a
 * plain list of edges with counts. Deterministic, so the test can compare it with the file.
 */
export function renderImportGraph(graph: ImportGraph): string {
  const edges = [...graph.folderEdges].sort(([a], [b]) => a.localeCompare(b));
  const used = new Set(edges.flatMap(([key]) => key.split(' -> ')));
  const layered = [...LIB_LAYERS.map(({ node }) => node), 'lib/runtime.ts', 'lib/health.ts'];
  const nodes = [...layered.filter((node) => used.has(node)), ...[...used].filter((node) => !layered.includes(node)).sort()];
  const lines = [
    '# Import graph of lib/ (folder level)',
    '',
    'Generated by `npm run graph` (scripts/import-graph.ts) from the source: static imports,',
    '`import type` and dynamic `import()`. Do not edit by hand; tests/unit/architecture.test.ts',
    'fails when it is out of date, and when lib has a cycle or an edge against the layer order',
    '(scripts/lib/architecture.mjs, described in the README).',
    '',
    '```mermaid',
    'flowchart TD',
    ...nodes.map((node) => `  ${mermaidId(node)}["${node}"]`),
    ...edges.map(([key, count]) => {
      const [from, to] = key.split(' -> ') as [string, string];
      return `  ${mermaidId(from)} -->|${count}| ${mermaidId(to)}`;
    }),
    '```',
    '',
    `## Edges (${edges.length}; the number is how many file-level imports make the edge)`,
    '',
    '```',
    ...edges.map(([key, count]) => `${key}  ${count}`),
    '```',
    '',
  ];
  return lines.join('\n');
}
