/**
 * First module the rule sandbox child loads. Node 20's permission model (flags set by the
 * parent) already refuses file reads outside Pyodide and this folder, all file writes, child
 * processes, workers, native addons, the inspector and process.report. What it does NOT cover
 * on Node 20 is the network and signalling other processes: this module disables those in
 * JavaScript, so code that ever got from Python into this process's JavaScript still cannot
 * open a socket, resolve a name or kill the server. (Where user namespaces are available the
 * parent also starts the child in an empty network namespace; see sandbox-paths.ts.)
 *
 * Built-in modules are singletons, so patching the exported objects here also covers every
 * later `import('node:net')`, `process.getBuiltinModule` and Node's own fetch.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';

function refuse() {
  const error = new Error('network and process access are disabled in the rule sandbox');
  error.code = 'ERR_SANDBOX_DENIED';
  throw error;
}

function refuseAll(target, names) {
  for (const name of names) {
    if (typeof target[name] === 'function') {
      Object.defineProperty(target, name, { value: refuse, writable: false, configurable: false });
    }
  }
}

export function hardenProcess() {
  // Pyodide's loader reads fs constants through process.binding, which the permission model
  // denies wholesale; hand it exactly that one table.
  const binding = process.binding;
  process.binding = (name) => (name === 'constants' ? { fs: fs.constants } : binding.call(process, name));

  refuseAll(net.Socket.prototype, ['connect']);
  refuseAll(net.Server.prototype, ['listen']);
  refuseAll(net, ['connect', 'createConnection', 'createServer']);
  refuseAll(dgram.Socket.prototype, ['bind', 'connect', 'send']);
  refuseAll(dgram, ['createSocket']);
  for (const target of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
    refuseAll(target, Object.getOwnPropertyNames(target).filter((n) => /^(lookup|resolve|reverse)/.test(n)));
  }
  // process.kill calls process._kill at call time: replacing both leaves no way to signal.
  refuseAll(process, ['kill', '_kill', 'dlopen']);
  for (const name of ['fetch', 'WebSocket', 'EventSource']) {
    if (name in globalThis) Object.defineProperty(globalThis, name, { value: undefined, configurable: false });
  }
}

/** The linear memories Pyodide grew (one in practice). */
const memories = new Set();

/** Caps Pyodide's linear memory (the Python heap): growing past it makes malloc fail, so Python raises MemoryError. */
export function capWasmMemory(maxBytes) {
  const grow = WebAssembly.Memory.prototype.grow;
  Object.defineProperty(WebAssembly.Memory.prototype, 'grow', {
    value: function cappedGrow(pages) {
      if (this.buffer.byteLength + pages * 65536 > maxBytes) throw new RangeError('rule sandbox memory limit reached');
      memories.add(this);
      return grow.call(this, pages);
    },
    writable: false,
    configurable: false,
  });
}

/** Current size of the Python heap; linear memory never shrinks, so this is also its high-water mark. */
export function wasmMemoryBytes() {
  let bytes = 0;
  for (const memory of memories) bytes = Math.max(bytes, memory.buffer.byteLength);
  return bytes;
}
