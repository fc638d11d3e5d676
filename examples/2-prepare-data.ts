/** Outcome 2: folders of photos (rescaled, resized, augmented), a table and a series. */
import {
  Input,
  imageDatasetFromDirectory,
  RandomFlip,
  RandomRotation,
  RandomZoom,
  Rescaling,
  readCsv,
  Sequential,
  tableToTensors,
  windows,
} from "../src/index.js";

export async function run(photos: string, csv: string, target: string) {
  // #region prepare-data
  const train = imageDatasetFromDirectory(`${photos}/train`, { imageSize: [180, 180], batchSize: 32 });
  // Found 2000 files belonging to 2 classes.   train.classNames: ["cats", "dogs"]
  const augmentation = new Sequential([
    Input({ shape: [180, 180, 3] }),
    new RandomFlip({ mode: "horizontal" }),
    new RandomRotation({ factor: 0.1 }),
    new RandomZoom({ heightFactor: 0.2 }),
    new Rescaling({ scale: 1 / 255 }),
  ]);

  const table = readCsv(csv); // numeric and categorical columns, missing values recognized
  const { x, y } = tableToTensors(table, { target, categorical: "drop" });

  const series = Array.from({ length: 500 }, (_, t) => Math.sin((2 * Math.PI * t) / 24));
  const w = windows(series, { history: 6, horizon: 24 }); // inputs [n, 6, 1], targets [n, 24]
  // #endregion
  return { train, augmentation, x, y, w };
}
