#!/usr/bin/env node
// `npm start`: trains the course's MNIST CNN (kerno train mnist-cnn). In a checkout beside the
// shared data sets (../shared/datasets) they are used as the data cache unless KERNO_DATA_DIR
// says otherwise; elsewhere the data downloads into ~/.kerno/datasets.
import { spawnSync } from "node:child_process";
import { checkoutDataDir } from "./data-dir.mjs";

const env = { ...process.env };
const data = checkoutDataDir(env);
if (data) env.KERNO_DATA_DIR = data;
const r = spawnSync(process.execPath, ["bin/kerno.js", "train", "mnist-cnn", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(r.status ?? 1);
