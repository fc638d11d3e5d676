/** keras.applications: each family with its builders and preprocessInput, as applications.vgg16.VGG16, applications.vgg16.preprocessInput. */
import * as mobilenetV2 from "./mobilenet-v2.js";
import * as resnet50 from "./resnet.js";
import * as tinyDarknet from "./tiny-darknet.js";
import * as vgg from "./vgg.js";

export { type ApplicationOptions, decodePredictions } from "./imagenet.js";
export { MobileNetV2 } from "./mobilenet-v2.js";
export { ResNet50 } from "./resnet.js";
export { TinyDarknet } from "./tiny-darknet.js";
export { VGG16, VGG19 } from "./vgg.js";

export const vgg16 = { VGG16: vgg.VGG16, preprocessInput: vgg.preprocessInput };
export const vgg19 = { VGG19: vgg.VGG19, preprocessInput: vgg.preprocessInput };
export const resnet = { ResNet50: resnet50.ResNet50, preprocessInput: resnet50.preprocessInput };
export const mobilenet_v2 = { MobileNetV2: mobilenetV2.MobileNetV2, preprocessInput: mobilenetV2.preprocessInput };
export const tiny_darknet = { TinyDarknet: tinyDarknet.TinyDarknet, preprocessInput: tinyDarknet.preprocessInput };
