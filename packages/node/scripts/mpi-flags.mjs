#!/usr/bin/env node
// Compiler flags for the optional MPI part of the addon (kerno_mpi.node), read from the MPI
// compiler wrapper (`mpicc --showme:compile|link` for Open MPI, `-compile_info|-link_info` for
// MPICH). binding.gyp calls it: `has` prints 1 when MPI's headers are found, else 0; `cflags`,
// `libs` print the flags. Without MPI kerno builds and says distributed training is unavailable.
import { spawnSync } from "node:child_process";

function run(args) {
  const r = spawnSync("mpicc", args, { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}
function flags() {
  const compile = run(["--showme:compile"]);
  const link = run(["--showme:link"]);
  if (compile !== null && link !== null) return { compile, link };
  // MPICH: the whole command lines; keep the -I/-L/-l/-Wl parts
  const keep = (line, re) =>
    (line ?? "")
      .split(/\s+/)
      .filter((w) => re.test(w))
      .join(" ");
  const ci = run(["-compile_info"]);
  const li = run(["-link_info"]);
  if (ci !== null && li !== null) return { compile: keep(ci, /^-I/), link: keep(li, /^(-L|-l|-Wl)/) };
  return null;
}

const f = process.env.KERNO_SKIP_MPI === "1" ? null : flags();
const what = process.argv[2];
if (what === "has") console.log(f ? 1 : 0);
else if (what === "cflags") console.log(f ? f.compile : "");
else if (what === "libs") console.log(f ? f.link : "");
else {
  console.error("usage: mpi-flags.mjs has|cflags|libs");
  process.exit(2);
}
