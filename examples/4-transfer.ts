/** Outcome 4: a pretrained base, frozen, under a new head; then fine-tuning. */
import { applications, Dense, Flatten, Input, imageDatasetFromDirectory, Model, RMSprop, TinyDarknet } from "../src/index.js";

export async function run(photos: string, epochs = 10) {
  // #region transfer
  const train = imageDatasetFromDirectory(`${photos}/train`, { imageSize: [224, 224], labelMode: "binary" });
  const validation = imageDatasetFromDirectory(`${photos}/validation`, { imageSize: [224, 224], labelMode: "binary" });
  const base = await TinyDarknet({ includeTop: false }); // ImageNet weights (VGG16: the same with VGG16({ weights: "imagenet" }))
  base.trainable = false;
  const inputs = Input({ shape: [224, 224, 3] });
  const features = base.apply(applications.tiny_darknet.preprocessInput(inputs));
  const outputs = new Dense({ units: 1, activation: "sigmoid" }).apply(new Flatten().apply(features));
  const model = new Model({ inputs, outputs });
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  await model.fit(train, { epochs, validationData: validation, cacheFrozenPrefix: true }); // the base runs once per photo

  // fine-tuning: unfreeze the last layers, a small learning rate
  base.trainable = true;
  for (const layer of base.layers.slice(0, -6)) layer.trainable = false;
  model.compile({ optimizer: new RMSprop({ learningRate: 1e-5 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
  await model.fit(train, { epochs: 1, validationData: validation });
  // #endregion
  return model;
}
