/**
 * Agglomerative clustering of a few items (classes), as scipy.cluster.hierarchy.linkage does it:
 * start from singletons, merge the closest pair, update distances by the Lance-Williams formula
 * (Ward on Euclidean distances, or average linkage on any distances). The linkage lists merges as
 * scipy's does ([a, b, distance, size], new clusters numbered from n up); cutTree makes k groups.
 * Class distances come from a confusion matrix (classes that are confused are close) or from
 * class-mean embeddings.
 */

export type Linkage = "ward" | "average";

export interface Merge {
  a: number;
  b: number;
  distance: number;
  size: number;
}

/** Euclidean distances between the rows of `points`. */
export function euclidean(points: number[][]): number[][] {
  return points.map((p) => points.map((q) => Math.sqrt(p.reduce((s, v, i) => s + (v - q[i]) ** 2, 0))));
}

/**
 * Distances between classes from a confusion matrix (rows true, columns predicted): each class is
 * its row of confusion rates, so classes mistaken for the same others are close (Ward needs such
 * Euclidean points); `confusionDistance` also folds in how often the two are mistaken for each other.
 */
export function confusionProfiles(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((s, v) => s + v, 0) || 1;
    return row.map((v) => v / total);
  });
}

/** 1 - the symmetric rate at which two classes are mistaken for each other (0 on the diagonal). */
export function confusionDistance(confusion: number[][]): number[][] {
  const rates = confusionProfiles(confusion);
  return rates.map((row, i) => row.map((_, j) => (i === j ? 0 : 1 - (rates[i][j] + rates[j][i]) / 2)));
}

export function agglomerate(distances: number[][], linkage: Linkage = "ward"): Merge[] {
  const n = distances.length;
  if (n < 2 || distances.some((row) => row.length !== n))
    throw new RangeError(`agglomerate: expected a square distance matrix of at least 2 items, got ${n} rows`);
  // ward works on squared distances (Lance-Williams), average on plain ones
  const d = new Map<string, number>();
  const key = (i: number, j: number) => (i < j ? `${i},${j}` : `${j},${i}`);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d.set(key(i, j), linkage === "ward" ? distances[i][j] ** 2 : distances[i][j]);
  const size = new Map<number, number>(Array.from({ length: n }, (_, i) => [i, 1]));
  const active = new Set(Array.from({ length: n }, (_, i) => i));
  const merges: Merge[] = [];
  for (let next = n; active.size > 1; next++) {
    let best: [number, number] = [-1, -1],
      bestD = Infinity;
    for (const i of active) for (const j of active) if (i < j && d.get(key(i, j))! < bestD) [best, bestD] = [[i, j], d.get(key(i, j))!];
    const [a, b] = best;
    const [na, nb] = [size.get(a)!, size.get(b)!];
    active.delete(a);
    active.delete(b);
    for (const k of active) {
      const nk = size.get(k)!;
      const [dak, dbk] = [d.get(key(a, k))!, d.get(key(b, k))!];
      const merged = linkage === "ward" ? ((na + nk) * dak + (nb + nk) * dbk - nk * bestD) / (na + nb + nk) : (na * dak + nb * dbk) / (na + nb);
      d.set(key(next, k), merged);
    }
    active.add(next);
    size.set(next, na + nb);
    merges.push({ a, b, distance: linkage === "ward" ? Math.sqrt(Math.max(0, bestD)) : bestD, size: na + nb });
  }
  return merges;
}

/** The items under cluster `id` (ids below n are items; n + i is merge i). */
function members(id: number, n: number, merges: Merge[]): number[] {
  return id < n ? [id] : [...members(merges[id - n].a, n, merges), ...members(merges[id - n].b, n, merges)];
}

/** Groups of items after undoing the last k - 1 merges, or all merges above `threshold`; each group sorted, groups by their first item. */
export function cutTree(merges: Merge[], cut: { k: number } | { threshold: number }): number[][] {
  const n = merges.length + 1;
  const kept = "k" in cut ? n - cut.k : merges.filter((m) => m.distance <= cut.threshold).length;
  if ("k" in cut && !(Number.isInteger(cut.k) && cut.k >= 1 && cut.k <= n)) throw new RangeError(`cutTree: k must be between 1 and ${n}, got ${cut.k}`);
  const roots = new Set(Array.from({ length: n }, (_, i) => i));
  for (let i = 0; i < kept; i++) {
    roots.delete(merges[i].a);
    roots.delete(merges[i].b);
    roots.add(n + i);
  }
  return [...roots].map((r) => members(r, n, merges).sort((x, y) => x - y)).sort((x, y) => x[0] - y[0]);
}

/** The dendrogram as SVG: leaves along the bottom in tree order, merges at their distance. */
export function dendrogramSvg(merges: Merge[], names: string[], title = "class hierarchy"): string {
  const n = names.length;
  const order = members(n + merges.length - 1, n, merges);
  const width = 80 + 70 * n,
    height = 320,
    top = 40,
    base = height - 90;
  const maxD = Math.max(...merges.map((m) => m.distance), 1e-9);
  const x = new Map<number, number>(order.map((item, i) => [item, 60 + 70 * i]));
  const y = new Map<number, number>(order.map((item) => [item, base]));
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14">${esc(title)}</text>`,
  ];
  merges.forEach((m, i) => {
    const id = n + i;
    const h = base - ((base - top) * m.distance) / maxD;
    const [xa, xb] = [x.get(m.a)!, x.get(m.b)!];
    parts.push(`<path d="M${xa},${y.get(m.a)} V${h} H${xb} V${y.get(m.b)}" fill="none" stroke="#336"/>`);
    x.set(id, (xa + xb) / 2);
    y.set(id, h);
  });
  for (const item of order) {
    const [lx, ly] = [x.get(item)!, base + 12];
    parts.push(`<text x="${lx}" y="${ly}" transform="rotate(40 ${lx} ${ly})">${esc(names[item])}</text>`);
  }
  parts.push("</svg>");
  return parts.join("\n");
}
