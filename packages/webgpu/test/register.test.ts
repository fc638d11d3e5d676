/**
 * registerWebGpu's retries, in Node with a stand-in navigator.gpu: a request that finds no adapter
 * is tried again at the next call; a device that is lost is replaced at the next call, and the lost
 * one says so at its next dispatch or read.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { registerWebGpu } from "../src/index.js";

/** A device whose loss the test decides. */
function standInDevice() {
  let lose: (info: { reason: string; message: string }) => void = () => {};
  const lost = new Promise<{ reason: string; message: string }>((resolve) => {
    lose = resolve;
  });
  return { device: { lost, addEventListener: () => {}, destroy: () => {} }, lose };
}

test("no adapter is tried again at the next call; a lost device is replaced, and the lost one says so", async () => {
  const devices: ReturnType<typeof standInDevice>[] = [];
  let adapters = 0;
  const adapter = {
    limits: {},
    info: { vendor: "stand-in" },
    requestDevice: async () => {
      devices.push(standInDevice());
      return devices.at(-1)!.device;
    },
  };
  const gpuApi = { requestAdapter: async () => (adapters++ === 0 ? null : adapter) };
  Object.defineProperty(globalThis, "navigator", { value: { gpu: gpuApi }, configurable: true });
  await assert.rejects(registerWebGpu(), /WebGPU found no adapter/);
  const first = await registerWebGpu();
  assert.equal(first.adapter, "stand-in");
  assert.equal(await registerWebGpu(), first, "registered once while the device lives");
  devices[0].lose({ reason: "unknown", message: "the driver was reset" });
  await new Promise((r) => setTimeout(r, 0));
  const second = await registerWebGpu();
  assert.notEqual(second, first);
  assert.equal(devices.length, 2);
  assert.throws(() => first.throwErrors(), /webgpu: the GPU device was lost \(unknown\): the driver was reset/);
  assert.doesNotThrow(() => second.throwErrors());
});
