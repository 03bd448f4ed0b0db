/**
 * Writes docs/import-graph.md, the folder-level import graph of lib/ (`npm run graph`).
 * tests/unit/architecture.test.ts fails when the file differs from what this would write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildImportGraph, renderImportGraph } from './lib/import-graph';

const root = path.resolve(import.meta.dirname, '..');
const target = path.join(root, 'docs/import-graph.md');
fs.writeFileSync(target, renderImportGraph(buildImportGraph(root)));
console.log(`wrote ${path.relative(root, target)}`);
