/**
 * The worker that reads HDF5 files for h5-tree.ts. It holds h5wasm's browser build, whose file
 * system lives in memory: the file's bytes are written there, so an external link, external
 * storage or a virtual dataset naming another file finds nothing on this machine. A damaged file
 * can make the HDF5 library loop forever; the caller then terminates this worker.
 * Imports nothing from kerno: it is loaded on its own.
 */
import { parentPort } from "node:worker_threads";

// Plain JavaScript (the shapes it sends are H5Group and H5ReadResult in h5-tree.ts): a worker runs
// outside tsx's loader, and this file is served from src/ in a checkout and in the package alike.

const MAX_NODES = 200_000;
const MAX_DEPTH = 64;
/** Groups whose datasets Keras never loads (the optimizer's state): their shapes are kept, not their values. */
const SKIPPED_VALUES = /^\/optimizer_weights(\/|$)/;

const h5 = (await import("h5wasm")).default;
const module = await h5.ready;
module.activate_throwing_error_handler();

/** Throws when `bytes` more would exceed the bytes of values still allowed for the file. */
function spend(budget, bytes, what) {
  if (bytes > budget.bytes) throw new Error(`${what} declares ${bytes} bytes of values, more than a file of this size can hold`);
  budget.bytes -= bytes;
}

function attrsOf(node, budget) {
  const attrs = new Map();
  for (const [name, attr] of Object.entries(node.attrs)) {
    const count = (attr.shape ?? []).reduce((a, b) => a * b, 1);
    spend(budget, count * Math.max(attr.metadata.size, 1), `attribute '${name}' of '${node.path}'`);
    attrs.set(name, attr.value);
  }
  return attrs;
}

function datasetOf(d, budget) {
  const shape = d.shape ?? [];
  const typeClass = d.metadata.type; // HDF5 type classes: 0 integer, 1 float
  const numeric = typeClass === 0 || typeClass === 1;
  if (numeric && !SKIPPED_VALUES.test(d.path)) {
    spend(budget, shape.reduce((a, b) => a * b, 1) * d.metadata.size, `dataset '${d.path}'`);
    return { kind: "dataset", path: d.path, shape, typeClass, values: d.value };
  }
  return { kind: "dataset", path: d.path, shape, typeClass, values: null };
}

function groupOf(g, budget, depth) {
  if (depth > MAX_DEPTH) throw new Error(`'${g.path}' is nested more than ${MAX_DEPTH} groups deep (a link cycle?)`);
  const group = { kind: "group", path: g.path, attrs: attrsOf(g, budget), children: new Map() };
  for (const name of g.keys()) {
    if (--budget.nodes < 0) throw new Error(`more than ${MAX_NODES} objects (a link cycle?)`);
    const child = g.get(name);
    if (child instanceof h5.Group) group.children.set(name, groupOf(child, budget, depth + 1));
    else if (child instanceof h5.Dataset) group.children.set(name, datasetOf(child, budget));
    // links to other files, broken links and named types hold no weights: left out
  }
  return group;
}

let files = 0;
parentPort.on("message", ({ id, bytes, maxValueBytes }) => {
  const name = `/file-${++files}.h5`;
  let result;
  try {
    module.FS.writeFile(name, bytes);
    const file = new h5.File(name, "r");
    try {
      result = { id, tree: groupOf(file, { nodes: MAX_NODES, bytes: maxValueBytes }, 0) };
    } finally {
      file.close();
    }
  } catch (err) {
    result = { id, error: err instanceof Error ? err.message : String(err) };
  } finally {
    try {
      module.FS.unlink(name);
    } catch {
      // never written
    }
  }
  const buffers = new Set();
  const collect = (g) => {
    for (const c of g.children.values()) {
      if (c.kind === "group") collect(c);
      // transferred only when the array owns its whole buffer (never a view of the WebAssembly memory)
      else if (c.values && ArrayBuffer.isView(c.values) && c.values.byteLength === c.values.buffer.byteLength) buffers.add(c.values.buffer);
    }
  };
  if ("tree" in result) collect(result.tree);
  parentPort.postMessage(result, [...buffers]);
});
parentPort.postMessage({ ready: true });
