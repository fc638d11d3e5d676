/**
 * The import graph of the workspace's sources (packages/core/src, packages/node/src and the
 * toolkit's src/) and its cycles, at the file level and between the top-level folders of each
 * package (packages/core/src/models, src/recipes, ...). `@kerno/core/...` and `@kerno/node/...`
 * specifiers resolve to the package's sources, so edges between packages count like any other. `node --import tsx scripts/import-cycles.ts [--rev REV]` prints
 * them; test/architecture/import-cycles.test.ts fails when one appears.
 *
 * Every module reference counts: `import`, `import type`, `export ... from`, `import("...")` and the
 * type `import("...").X`. A type-only import makes no cycle at run time, but it is a dependency all
 * the same (the folders are to become packages, and a type from a higher package is a way back up),
 * so it is an edge here; each edge says which kind it is.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export type EdgeKind = "value" | "type" | "dynamic";
export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
}
/** Files by path relative to the repository root ("src/models/model.ts"), and their source. */
export type Sources = Map<string, string>;

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** The source folders of the workspace's packages, lowest first: nothing may import a later one's files from an earlier one. */
export const PACKAGE_SOURCES = ["packages/core/src", "packages/node/src", "packages/wasm/src", "src"] as const;
const PACKAGE_NAMES: Record<string, string> = { "@kerno/core": "packages/core/src", "@kerno/node": "packages/node/src", "@kerno/wasm": "packages/wasm/src" };

/** The package source folder a file belongs to ("packages/core/src/models/model.ts" -> "packages/core/src"). */
export function packageOf(path: string): string {
  return PACKAGE_SOURCES.find((root) => path.startsWith(`${root}/`)) ?? "src";
}

/** Every source file of the workspace's packages, or under `dir` alone, read from disk. */
export function readSources(root: string, dir?: string): Sources {
  if (dir === undefined) {
    const all: Sources = new Map();
    for (const d of PACKAGE_SOURCES) for (const [k, v] of readSources(root, d)) all.set(k, v);
    return all;
  }
  const sources: Sources = new Map();
  const walk = (path: string) => {
    for (const entry of readdirSync(join(root, path), { withFileTypes: true })) {
      const child = posix.join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) sources.set(child, readFileSync(join(root, child), "utf8"));
    }
  };
  walk(dir);
  return sources;
}

/** The module specifiers a file names, with the kind of each reference. */
export function moduleReferences(path: string, source: string): { specifier: string; kind: EdgeKind }[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false, path.endsWith("ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const refs: { specifier: string; kind: EdgeKind }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      refs.push({ specifier: node.moduleSpecifier.text, kind: typeOnly ? "type" : "value" });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      refs.push({ specifier: node.moduleSpecifier.text, kind: typeOnly ? "type" : "value" });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) refs.push({ specifier: arg.text, kind: "dynamic" });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, kind: "type" });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return refs;
}

/**
 * `./fit.js` from src/training/x.ts -> src/training/fit.ts, and `@kerno/core/models/model.js` ->
 * packages/core/src/models/model.ts, when that file is among `sources`.
 */
function resolve(from: string, specifier: string, sources: Sources): string | undefined {
  const pkg = /^(@kerno\/(?:core|node|wasm))(?:\/(.*))?$/.exec(specifier);
  let base: string;
  if (pkg) base = posix.join(PACKAGE_NAMES[pkg[1]!]!, pkg[2] ?? "index.ts");
  else if (specifier.startsWith(".")) base = posix.normalize(posix.join(posix.dirname(from), specifier));
  else return undefined;
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => sources.has(c));
}

/** The edges between files of `sources` (references outside them, packages and `node:` modules, are left out). */
export function importEdges(sources: Sources): Edge[] {
  const edges: Edge[] = [];
  for (const [from, text] of sources) {
    for (const { specifier, kind } of moduleReferences(from, text)) {
      const to = resolve(from, specifier, sources);
      if (to !== undefined && to !== from) edges.push({ from, to, kind });
    }
  }
  return edges;
}

/**
 * src/models/model.ts -> src/models; packages/core/src/ops/x.ts -> packages/core/src/ops;
 * src/index.ts -> src/index.ts (a file at the top is its own node).
 */
export function topFolder(path: string, root = packageOf(path)): string {
  const rest = relative(root, path).split(/[\\/]/);
  return rest.length > 1 ? posix.join(root, rest[0]!) : path;
}

/** Strongly connected components with more than one node (Tarjan), each sorted, largest first. */
export function cycles(nodes: Iterable<string>, edges: { from: string; to: string }[]): string[][] {
  const next = new Map<string, string[]>();
  for (const n of nodes) next.set(n, []);
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  // iterative, so that a long chain of imports cannot overflow the call stack
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = next.get(frame.node)!;
      if (frame.i < succ.length) {
        const w = succ[frame.i++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.node);
        if (component.length > 1) found.push(component.sort());
      }
    }
  }
  return found.sort((a, b) => b.length - a.length || a[0]!.localeCompare(b[0]!));
}

export interface CycleReport {
  files: string[][];
  folders: string[][];
  /** The file edges that cross between two folders of one folder-level cycle: the ones to cut. */
  crossing: Edge[];
}

/**
 * File-level and folder-level cycles of `sources`. With runTimeOnly, the file-level cycles leave out
 * type-only imports (erased at compile time, they make no cycle at run time); the folder-level ones
 * always count them.
 */
export function importCycles(sources: Sources, root?: string, { runTimeOnly = false } = {}): CycleReport {
  const edges = importEdges(sources);
  const files = cycles(
    sources.keys(),
    edges.filter((e) => !runTimeOnly || e.kind !== "type"),
  );
  const folderEdges = edges.map((e) => ({ ...e, from: topFolder(e.from, root), to: topFolder(e.to, root) })).filter((e) => e.from !== e.to);
  const folders = cycles(new Set([...sources.keys()].map((f) => topFolder(f, root))), folderEdges);
  const component = new Map<string, number>();
  folders.forEach((c, i) => c.forEach((f) => component.set(f, i)));
  const crossing = edges.filter((e) => {
    const a = component.get(topFolder(e.from, root));
    return a !== undefined && topFolder(e.from, root) !== topFolder(e.to, root) && a === component.get(topFolder(e.to, root));
  });
  return { files, folders, crossing };
}

/** The folder of this repository (scripts/..). */
export const repositoryRoot = dirname(dirname(fileURLToPath(import.meta.url)));
