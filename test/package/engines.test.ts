/**
 * The Node.js versions the packages say they run on (engines.node) are ones their dependencies run
 * on too: every package the lockfile installs for users (not dev-only), transitive ones included,
 * admits the oldest Node that each workspace package's range allows. image-size 2.2 asked for
 * Node 22 while kerno said 20.6, and sharp 0.35 and yargs 18 ask for 20.9 and 20.19: npm only
 * warns, yarn refuses to install.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import semver from "semver";

const root = fileURLToPath(new URL("../../", import.meta.url));
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"));

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  engines?: { node?: string };
}

test("every installed runtime dependency runs on the oldest Node.js the packages declare, and they declare one range", () => {
  const manifests = ["package.json", ...json("package.json").workspaces.map((w: string) => `${w}/package.json`)];
  const ranges = manifests.map((m) => ({ m, range: json(m).engines?.node as string | undefined }));
  for (const { m, range } of ranges) assert.ok(range && semver.validRange(range), `${m}: engines.node ${range}`);
  assert.equal(new Set(ranges.map((r) => r.range)).size, 1, `one engines.node for every package: ${JSON.stringify(ranges)}`);
  const oldest = semver.minVersion(ranges[0].range!)!.version;
  const packages: Record<string, LockEntry> = json("package-lock.json").packages;
  const refused = Object.entries(packages)
    .filter(([path, e]) => path !== "" && !e.dev && !e.devOptional && e.engines?.node && !semver.satisfies(oldest, e.engines.node))
    .map(([path, e]) => `${path} (node ${e.engines!.node})`);
  assert.deepEqual(refused, [], `installed for users but not for Node ${oldest}`);
  assert.ok(
    Object.keys(packages).some((p) => p.endsWith("node_modules/sharp")),
    "the lockfile lists sharp: the check reads the right file",
  );
});
