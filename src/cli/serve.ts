/** kerno serve <model.onnx|model.kerno> [--port 8501] [--host 127.0.0.1] [--max-batch 1024]: predictions over HTTP until Ctrl-C. */
import { createPredictionServer, loadPredictor } from "../serving/server.js";
import { exposureWarning, listen } from "../util/http.js";
import { intFlag, parse } from "./args.js";

export async function serveCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("serve", argv);
  const [file] = positionals;
  if (!file) throw new Error("kerno serve: usage: kerno serve <model.onnx|model.kerno> [--port 8501] [--host 127.0.0.1]");
  const predictor = await loadPredictor(file);
  const host = typeof flags.host === "string" ? flags.host : "127.0.0.1";
  const server = createPredictionServer(predictor, { maxBatch: intFlag(flags, "max-batch") });
  const url = await listen(server, intFlag(flags, "port") ?? 8501, host, "kerno serve");
  const warning = exposureWarning("kerno serve", host, server.address(), "the model and its predictions are");
  if (warning) console.error(warning);
  console.log(`kerno serve: ${file} (${predictor.format}) at ${url}predict (POST {"inputs": [...]}); GET /health; Ctrl-C to stop`);
  await new Promise<never>(() => {});
  return 0;
}
