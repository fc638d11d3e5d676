/**
 * kerno playground [--port 6008] [--host 127.0.0.1] [--build DIR]: the course's page in the
 * browser (train, test, draw, look inside, attack, save), until Ctrl-C; or written as static files.
 */
import { idxFiles, MNIST_FILES } from "@kerno/core/data/idx.js";
import { cachedPath, dataDir } from "@kerno/node/data/cache.js";
import { buildPlayground } from "../playground/build.js";
import { startPlayground } from "../playground/server.js";
import { exposureWarning } from "../util/http.js";
import { intFlag, parse } from "./args.js";

/** MNIST into the data cache (downloaded and checked where missing), so that the page can load it. */
async function cacheMnist(): Promise<string | null> {
  try {
    for (const file of idxFiles(MNIST_FILES)) await cachedPath(file);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function playgroundCommand(argv: string[]): Promise<number> {
  const { flags } = parse("playground", argv);
  const problem = await cacheMnist();
  if (problem) console.error(`kerno playground: MNIST is not in the data cache, so the page cannot train: ${problem}`);
  if (typeof flags.build === "string") {
    const built = await buildPlayground(flags.build, dataDir());
    console.log(`kerno playground: wrote ${built.files.length} files to ${built.dir}; serve that folder from any static host`);
    console.log("  its _headers file makes the page cross-origin isolated (WebAssembly threads) where the host reads it; elsewhere it runs on one thread");
    if (built.missingData.length) console.error(`  missing from the data cache, so not copied: ${built.missingData.join(", ")}`);
    // the page trains on MNIST; Fashion-MNIST is there only for the console's datasets.fashionMnist()
    return built.missingData.some((p) => p.startsWith(`${MNIST_FILES.dir}/`)) ? 1 : 0;
  }
  const host = typeof flags.host === "string" ? flags.host : "127.0.0.1";
  const { server, url } = await startPlayground({ dataDir: dataDir(), port: intFlag(flags, "port") ?? 6008, host });
  const warning = exposureWarning("kerno playground", host, server.address(), "the page and your data cache are");
  if (warning) console.error(warning);
  console.log(`kerno playground: ${url} (data from ${dataDir()}; Ctrl-C to stop)`);
  await new Promise<never>(() => {});
  return 0;
}
