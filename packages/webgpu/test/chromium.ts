/** How the tests start Chromium for WebGPU here: on SwiftShader (no GPU), with gc() for the memory check. */
export const WEBGPU_CHROMIUM_ARGS = [
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--use-webgpu-adapter=swiftshader",
  "--enable-features=Vulkan",
  "--js-flags=--expose-gc",
];
