import { TinyDarknet } from "../src/applications/tiny-darknet.js";
import { visualizeFilter } from "../src/interpret/filters.js";
import { setBackend } from "../src/index.js";
setBackend("native");
const model = await TinyDarknet();
visualizeFilter(model, "leaky_re_lu_15", 0, { preprocess: "unit", scales: 1, steps: 2 });
let total = 0;
for (const size of [56, 67, 81, 97, 116, 139, 167, 200, 224]) {
  const t0 = performance.now();
  visualizeFilter(model, "leaky_re_lu_15", 0, { preprocess: "unit", size, scales: 1, steps: 20 });
  const t1 = performance.now();
  visualizeFilter(model, "leaky_re_lu_15", 0, { preprocess: "unit", size, scales: 1, steps: 0 });
  const t2 = performance.now();
  const per = (t1 - t0 - (t2 - t1)) / 20;
  total += per * 20;
  console.log(size, per.toFixed(2), "ms/step");
}
console.log("total", total.toFixed(0));
