/**
 * The rule sandbox: one Pyodide interpreter in a locked-down Node process, started by
 * lib/rules/engine/sandbox-process.ts. Plain JavaScript run directly by `node` (never bundled),
 * so the parent can grant read access to exactly this folder and Pyodide's.
 *
 * argv[2] is the JSON config from the parent; everything else arrives as frames on stdin
 * (4-byte big-endian length, then UTF-8 JSON) and every answer leaves as a frame on stdout.
 * Nothing else may write to stdout: console output goes to stderr.
 */
import { capWasmMemory, hardenProcess, wasmMemoryBytes } from './harden.mjs';

hardenProcess();

const { readFileSync } = await import('node:fs');
const path = await import('node:path');
const { pathToFileURL } = await import('node:url');

const config = JSON.parse(process.argv[2] ?? '{}');
capWasmMemory(config.wasmBytes);

const toStderr = (...args) => process.stderr.write(`${args.map(String).join(' ')}\n`);
console.log = console.info = console.debug = console.warn = console.error = toStderr;

function send(message) {
  const body = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  process.stdout.write(Buffer.concat([header, body]));
}

const { loadPyodide } = await import(pathToFileURL(path.join(config.pyodideDir, 'pyodide.mjs')).href);
const drop = () => {};
const pyodide = await loadPyodide({ indexURL: `${config.pyodideDir}/`, stdout: drop, stderr: drop, env: {} });

const namespace = pyodide.globals.get('dict')();
pyodide.runPython(readFileSync(path.join(import.meta.dirname, 'rule-runner.py'), 'utf8'), { globals: namespace });
const makeRunner = namespace.get('make_runner');
const runners = makeRunner(config.outputLimitBytes, config.cacheSize);
const [evaluate, check, finish] = runners.toJs({ depth: 1 });
runners.destroy();
makeRunner.destroy();
namespace.destroy();

/** Answers, then ends this process: after a fault inside the interpreter its state cannot be trusted. */
function sendAndExit(message, code = 1) {
  send(typeof message === 'string' ? `${message.slice(0, -1)},"retire":true}` : { ...message, retire: true });
  process.stdout.write('', () => process.exit(code));
}

function handle(request) {
  const { id, op } = request;
  const started = performance.now();
  try {
    if (op === 'evaluate') {
      const result = evaluate(request.source, JSON.stringify(request.variables));
      // The runner answers with JSON text; splicing it in avoids parsing and re-encoding it.
      const answer = `{"id":${Number(id)},"ms":${performance.now() - started},"result":${result}}`;
      // finish() puts back what rules may change and says whether anything else changed
      // (2), or whether rule code ran at all (1, else 0). A test-pool interpreter serves one
      // run of rule code. Memory a rule made Pyodide grow is never given back: past half the
      // cap, retire too, so an idle sandbox does not keep hundreds of MB resident.
      let state = 2;
      try {
        state = finish();
      } catch {
        // An interpreter that cannot even put its state back is not used again.
      }
      const retire = state === 2 || (config.retireAfterEvaluate && state === 1) || wasmMemoryBytes() > config.wasmBytes / 2;
      if (retire) sendAndExit(answer, 0);
      else send(answer);
    } else if (op === 'check') {
      send(`{"id":${Number(id)},"result":${check(request.source)}}`);
    } else {
      send({ id, failure: `unknown operation ${String(op)}` });
    }
  } catch (error) {
    // Rule errors are part of the result; landing here means the interpreter itself failed.
    // The usual cause is recursion in C code (e.g. json.loads of deeply nested text) running
    // out of the JavaScript stack before Python's own limit: report it as the RecursionError it is.
    if (op === 'evaluate' && error instanceof RangeError) {
      const message = 'maximum recursion depth exceeded (the sandbox ran out of stack)';
      sendAndExit({ id, ms: performance.now() - started, result: { cached: false, error: { type: 'RecursionError', message, line: null }, warnings: [], output: '' } });
    } else {
      sendAndExit({ id, failure: error instanceof Error ? error.message.slice(-2000) : String(error) });
    }
  }
}

let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  while (pending.length >= 4) {
    const size = pending.readUInt32BE(0);
    if (size > config.maxRequestBytes) {
      toStderr(`request frame of ${size} bytes is over the limit`);
      process.exit(2);
    }
    if (pending.length < 4 + size) break;
    const body = pending.subarray(4, 4 + size);
    pending = pending.subarray(4 + size);
    handle(JSON.parse(body.toString('utf8')));
  }
});
// The parent owns this process: when it goes away, so does the sandbox.
process.stdin.on('end', () => process.exit(0));
send({ ready: true });
