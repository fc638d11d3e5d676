import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { confusionSvg, saveConfusion } from "../../src/recipes/confusion-chart.js";

test("the confusion picture has every count, escaped class names, and a PNG twin", async () => {
  const svg = confusionSvg(
    [
      [5, 1],
      [2, 7],
    ],
    ["cats & co", "<dogs>"],
  );
  for (const n of [">5<", ">1<", ">2<", ">7<"]) assert.ok(svg.includes(n), n);
  assert.ok(svg.includes("cats &amp; co") && svg.includes("&lt;dogs&gt;"));
  const [svgPath, pngPath] = await saveConfusion([[3]], ["only"], join(tempDir(), "confusion"));
  assert.ok(existsSync(svgPath));
  assert.equal((await sharp(pngPath).metadata()).format, "png");
});
