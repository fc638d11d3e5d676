/**
 * `npm run bench`: times the seed's MNIST CNN training step (batch 64, RMSprop) on the
 * TypeScript reference backend and prints images per second. Not a test: timings are noisy.
 */
import { withBackend } from "../src/backends/registry.js";
import { countParams, makeCnnParams, makeCnnTrainer, randomMnistBatch } from "./mnist-cnn-ops.js";

function timeTraining(backendName: string, batch: number, seconds: number): number {
  return withBackend(backendName, () => {
    const step = makeCnnTrainer(makeCnnParams(1));
    const { x, y } = randomMnistBatch(batch, 1);
    step(x, y); // warm-up: JIT, buffers
    let steps = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000 || steps < 3) {
      step(x, y);
      steps++;
    }
    return (steps * batch) / ((performance.now() - start) / 1000);
  });
}

const params = countParams(makeCnnParams(1));
console.log(`mnist-cnn training step: ${params.toLocaleString("en-US")} parameters, batch 64, RMSprop`);
const ips = timeTraining("js", 64, 10);
console.log(`kerno-js   ${ips.toFixed(1)} images/s`);
