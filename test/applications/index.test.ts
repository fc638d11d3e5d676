import assert from "node:assert/strict";
import { test } from "node:test";
import { applications, MobileNetV2, ResNet50, VGG16 } from "../../src/index.js";

test("the applications namespace mirrors keras.applications: a builder and preprocessInput per family", () => {
  assert.equal(applications.vgg16.VGG16, VGG16);
  assert.equal(applications.resnet.ResNet50, ResNet50);
  assert.equal(applications.mobilenet_v2.MobileNetV2, MobileNetV2);
  for (const family of [applications.vgg16, applications.vgg19, applications.resnet, applications.mobilenet_v2, applications.tiny_darknet])
    assert.equal(typeof family.preprocessInput, "function");
  assert.equal(typeof applications.decodePredictions, "function");
});
