/**
 * A module worker of the browser test's page (page.ts starts it): the wasm backend loaded in a
 * worker, where a page that keeps its main thread free trains, with threads where the page is
 * cross-origin isolated (the threaded build's script evaluated, a module worker having no
 * importScripts). Posts its threads and the small CNN's losses, or the error.
 */
import { setBackend } from "@kerno/core";
import { wasmThreads } from "@kerno/wasm";
import { trainSmallCnn } from "./small-cnn.js";

setBackend("wasm");
trainSmallCnn().then(
  (losses) => postMessage({ threads: wasmThreads(), losses }),
  (err: Error) => postMessage({ error: `${err.message}\n${err.stack}` }),
);
