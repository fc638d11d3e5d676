/**
 * Heavy dependencies loaded the first time they are used, so that importing kerno for tensors and
 * training loads none of them: sharp (images), dagre (plotModel), protobufjs (TensorBoard files).
 * vega and vega-lite are ES modules and load through import() where charts are drawn.
 */
import { createRequire } from "node:module";
import type Dagre from "@dagrejs/dagre";
import type Protobuf from "protobufjs";
import type Sharp from "sharp";

const require = createRequire(import.meta.url);
const cache = new Map<string, unknown>();
const load = <T>(name: string): T => {
  if (!cache.has(name)) cache.set(name, require(name));
  return cache.get(name) as T;
};

export const sharpLib = () => load<typeof Sharp>("sharp");
export const dagreLib = () => load<typeof Dagre>("@dagrejs/dagre");
export const protobufLib = () => load<typeof Protobuf>("protobufjs");
