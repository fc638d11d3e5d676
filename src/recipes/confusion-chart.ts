/** The confusion matrix as a picture: a grid of counts shaded by each true class's share (SVG, and PNG through sharp). */

import { writeAtomic } from "@kerno/node/util/files.js";
import { sharpLib } from "@kerno/node/util/lazy-modules.js";

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function confusionSvg(confusion: number[][], classNames: string[], title = "confusion matrix"): string {
  const k = classNames.length;
  const cell = Math.max(28, Math.min(64, Math.floor(640 / Math.max(1, k))));
  const label = 8 + 7 * Math.min(24, Math.max(...classNames.map((n) => n.length)));
  const top = 52 + label,
    left = label + 24;
  const width = Math.max(360, left + k * cell + 16),
    height = top + k * cell + 16;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="18" font-size="14">${escapeXml(title)}</text>`,
    `<text x="8" y="36" fill="#555">rows: true class; columns: predicted class</text>`,
  ];
  classNames.forEach((name, i) => {
    const short = escapeXml(name.slice(0, 24));
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${short}</text>`);
    const x = left + i * cell + cell / 2 + 4;
    parts.push(`<text x="${x}" y="${top - 6}" transform="rotate(-60 ${x} ${top - 6})">${short}</text>`);
  });
  confusion.forEach((row, t) => {
    const total = row.reduce((s, v) => s + v, 0) || 1;
    row.forEach((v, p) => {
      const share = v / total;
      const shade = Math.round(255 - 200 * share);
      const fill = t === p ? `rgb(${shade},${Math.round(255 - 120 * share)},${shade})` : `rgb(255,${shade},${shade})`;
      const x = left + p * cell,
        y = top + t * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#999" stroke-width="0.5"/>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle">${v}</text>`);
    });
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** Writes confusion.svg and confusion.png at `pathWithoutExtension`; returns both paths. */
export async function saveConfusion(confusion: number[][], classNames: string[], pathWithoutExtension: string, title?: string): Promise<string[]> {
  const svg = confusionSvg(confusion, classNames, title);
  writeAtomic(`${pathWithoutExtension}.svg`, svg);
  writeAtomic(`${pathWithoutExtension}.png`, await sharpLib()(Buffer.from(svg), { density: 96 }).png().toBuffer());
  return [`${pathWithoutExtension}.svg`, `${pathWithoutExtension}.png`];
}
