/**
 * The training panel: the course's MNIST CNN (RMSprop, sparse categorical cross-entropy) on the
 * first N training digits, with a progress bar and loss/accuracy curves updated every batch (fit
 * awaits the callback, which lets the page paint), then its accuracy on the 1,000 test digits.
 */
import type { Model } from "@kerno/core/models/model.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import { mnistCnnModel } from "../../recipes/mnist-models.js";
import { lineChart } from "./canvas.js";
import { firstDigits, nextFrame, type PageData } from "./page-data.js";

export interface TrainSettings {
  count: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

export interface TrainResult {
  model: Model;
  seconds: number;
  imagesPerSecond: number;
  testAccuracy: number;
}

export interface TrainPanel {
  progress: HTMLProgressElement;
  status: HTMLElement;
  chart: HTMLCanvasElement;
}

export async function trainCnn(data: PageData, settings: TrainSettings, panel: TrainPanel): Promise<TrainResult> {
  setSeed(settings.seed);
  const train = firstDigits(data.mnist.train, settings.count);
  const model = mnistCnnModel();
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const steps = Math.ceil(train.labels.length / settings.batchSize) * settings.epochs;
  const curves = { loss: [] as number[], accuracy: [] as number[] };
  let step = 0;
  panel.progress.max = steps;
  panel.progress.value = 0;
  const started = performance.now();
  await model.fit(train.x, train.y, {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    verbose: 0,
    callbacks: [
      {
        onTrainBatchEnd: async (_batch, logs) => {
          step++;
          curves.loss.push(logs.loss);
          curves.accuracy.push(logs.accuracy);
          panel.progress.value = step;
          const seconds = (performance.now() - started) / 1000;
          panel.status.textContent = `step ${step}/${steps}: loss ${logs.loss.toFixed(3)}, accuracy ${logs.accuracy.toFixed(3)}, ${Math.round((step * settings.batchSize) / seconds)} images/s`;
          if (step % 4 === 0 || step === steps) {
            lineChart(
              panel.chart,
              [
                { name: "loss", values: curves.loss, color: "#c0392b" },
                { name: "accuracy", values: curves.accuracy, color: "#2471a3" },
              ],
              "training (running means)",
            );
          }
          await nextFrame();
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const logs = await model.evaluate(data.testX, data.testLabels, { batchSize: 256 });
  const result = { model, seconds, imagesPerSecond: (train.labels.length * settings.epochs) / seconds, testAccuracy: logs.accuracy };
  panel.status.textContent = `${train.labels.length * settings.epochs} images in ${seconds.toFixed(1)} s (${Math.round(result.imagesPerSecond)} images/s); ${(100 * result.testAccuracy).toFixed(1)}% on ${data.testY.length} test digits`;
  return result;
}
