/**
 * The Node side's model writers, registered with the core on import: a .kerno file written
 * atomically, Keras 3's .keras archive, ONNX. The core's Model reaches them through
 * src/models/writers.ts; the package entry (src/index.ts) and the recipes (src/recipes/recipe.ts)
 * import this module, so that model.save(path) works wherever kerno runs on Node.
 */
import { registerModelWriters } from "@kerno/core/models/writers.js";
import { writeAtomic } from "../util/files.js";
import { saveKeras } from "./keras-save.js";
import { exportOnnx } from "./onnx-export.js";

registerModelWriters({ keras: saveKeras, onnx: exportOnnx, file: writeAtomic });
