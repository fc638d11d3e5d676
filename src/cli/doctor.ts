/** `kerno doctor`: which backend runs and why another was skipped. */
import { backendNotes, getBackend, listBackends } from "../backends/registry.js";

export function runDoctor(): number {
  const active = getBackend();
  console.log(`active backend: ${active}`);
  console.log(`registered backends: ${listBackends().join(", ")}`);
  for (const note of backendNotes()) console.log(note);
  console.log(`node ${process.version} on ${process.platform}-${process.arch}`);
  return 0;
}
