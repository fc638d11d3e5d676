/**
 * The playground page's module: puts the library on `window.kerno`, loads MNIST from the server,
 * and wires the panels (backend, training, test digits, drawing, inside the network, attack,
 * save and load). Progress and results are also written to data- attributes for the browser test.
 */
import type { Model } from "@kerno/core/models/model.js";
import { decodeModel } from "@kerno/core/models/rebuild.js";
import { encodeModel } from "@kerno/core/models/save.js";
import { drawingPad, predictDrawn, showTestDigits } from "./digits-view.js";
import { attackDigit, hasConv2D, showFeatureMaps, showFilters } from "./inspect-view.js";
import { onCpu, pageBackends, playgroundKerno, setBackend } from "./kerno-global.js";
import { digit, nextFrame, type PageData, pageData } from "./page-data.js";
import { trainCnn } from "./train-view.js";

const kerno = playgroundKerno();
(window as unknown as { kerno: typeof kerno }).kerno = kerno;

const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const say = (text: string) => (el("message").textContent = text);
const fail = (err: unknown) => say(`error: ${err instanceof Error ? err.message : String(err)}`);
window.addEventListener("error", (e) => fail(e.error ?? e.message));
window.addEventListener("unhandledrejection", (e) => fail(e.reason));

interface PageState {
  data: PageData | null;
  model: Model | null;
  selected: number;
  drawn: Float32Array | null;
}
const state: PageState = { data: null, model: null, selected: 0, drawn: null };
const CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

async function chooseBackend(name: string): Promise<void> {
  const select = el<HTMLSelectElement>("backend");
  try {
    el("backend-info").textContent = await setBackend(name);
    select.value = name;
    document.body.dataset.backend = name;
  } catch (err) {
    el("backend-info").textContent = `${name} is not available here: ${(err as Error).message}`;
    if (name !== "js") await chooseBackend("js");
  }
}

function pick(i: number): void {
  const { data, model } = state;
  if (!data || !model) return;
  state.selected = i;
  el("picked").textContent = `test digit ${i} (label ${data.testY[i]})`;
  onCpu(() => showFeatureMaps(el("maps"), model, digit(data.testX, i)));
}

function useModel(model: Model): void {
  const data = state.data!;
  state.model = model;
  const { mistakes } = onCpu(() => showTestDigits(el("digits"), model, data, pick));
  el("digits-info").textContent = `${data.testY.length - mistakes} of ${data.testY.length} right; the ${mistakes} mistakes come first`;
  showFilters(el("filters"), model);
  // the first digit the model gets right: the one worth attacking
  const firstRight = el("digits").querySelector<HTMLButtonElement>(".digit:not(.wrong)");
  pick(firstRight ? Number(firstRight.dataset.index) : 0);
  if (state.drawn) onCpu(() => predictDrawn(model, state.drawn!, el("bars"), CLASSES));
  for (const id of ["attack", "save"]) el<HTMLButtonElement>(id).disabled = false;
  document.body.dataset.state = "trained";
}

async function train(): Promise<void> {
  const data = state.data!;
  // nothing else may change the model or the backend while it trains
  const controls = [el<HTMLButtonElement>("train"), el<HTMLInputElement>("load"), el<HTMLSelectElement>("backend")];
  for (const c of controls) c.disabled = true;
  document.body.dataset.state = "training";
  try {
    const count = Number(el<HTMLSelectElement>("count").value);
    const epochs = Number(el<HTMLInputElement>("epochs").value);
    const result = await trainCnn(
      data,
      { count, epochs, batchSize: 64, seed: 1 },
      { progress: el("progress"), status: el("train-status"), chart: el("curves") },
    );
    Object.assign(el("train-status").dataset, {
      accuracy: String(result.testAccuracy),
      imagesPerSecond: String(result.imagesPerSecond),
      seconds: String(result.seconds),
    });
    useModel(result.model);
  } finally {
    for (const c of controls) c.disabled = false;
    if (document.body.dataset.state === "training") document.body.dataset.state = state.model ? "trained" : "ready";
  }
}

async function attack(): Promise<void> {
  const { data, model } = state;
  if (!data || !model) return;
  const status = el("attack-status");
  status.textContent = "searching (differential evolution, 200 candidates per generation)...";
  delete status.dataset.success;
  await nextFrame();
  const pixels = Number(el<HTMLSelectElement>("attack-pixels").value);
  onCpu(() =>
    attackDigit(
      { before: el("attack-before"), after: el("attack-after"), status },
      model,
      digit(data.testX, state.selected),
      data.testY[state.selected],
      pixels,
    ),
  );
}

function save(): void {
  const bytes = encodeModel(state.model!);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/octet-stream" }));
  link.download = "mnist-cnn.kerno";
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function load(file: File): Promise<void> {
  const model = decodeModel(new Uint8Array(await file.arrayBuffer()), {}, `the file '${file.name}'`);
  // checked before anything on the page changes
  const shape = model.inputs[0]?.shape.slice(1).join(",");
  if (shape !== "28,28,1") throw new RangeError(`the file '${file.name}': its model takes [${shape}], this page shows 28x28 digits [28, 28, 1]`);
  const out = model.outputs[0]?.shape.slice(1).join(",");
  if (model.outputs.length !== 1 || out !== "10")
    throw new RangeError(`the file '${file.name}': its model gives [${out}], this page shows 10 digit classes [10]`);
  if (!hasConv2D(model)) throw new RangeError(`the file '${file.name}': its model has no Conv2D, whose filters and feature maps this page shows`);
  useModel(model);
  say(`loaded ${file.name}: ${model.name}, ${model.countParams()} parameters`);
}

async function start(): Promise<void> {
  const select = el<HTMLSelectElement>("backend");
  select.replaceChildren(...pageBackends.map((b) => new Option(b, b)));
  select.addEventListener("change", () => chooseBackend(select.value).catch(fail));
  await chooseBackend("wasm");
  drawingPad(el("pad"), el("clear"), (pixels) => {
    state.drawn = pixels;
    const model = state.model;
    if (model) onCpu(() => predictDrawn(model, pixels, el("bars"), CLASSES));
  });
  el("train").addEventListener("click", () => train().catch(fail));
  el("attack").addEventListener("click", () => attack().catch(fail));
  el("save").addEventListener("click", save);
  el<HTMLInputElement>("load").addEventListener("change", (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) load(file).catch(fail);
  });
  say("loading MNIST from the server...");
  const started = performance.now();
  state.data = pageData(await kerno.datasets.mnistBytes());
  say(`MNIST loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; window.kerno is the library (try kerno.listBackends() in the console)`);
  el<HTMLButtonElement>("train").disabled = false;
  el<HTMLInputElement>("load").disabled = false;
  document.body.dataset.state = "ready";
}

start().catch(fail);
