/**
 * Packages as a user gets them, for the install tests: npm run in a user's environment (without
 * the test runner's --conditions=kerno-source, which would resolve installed packages to sources
 * they do not ship), and fresh projects to install tarballs into.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const userEnv = { ...process.env, NODE_OPTIONS: "", npm_config_audit: "false", npm_config_fund: "false" };

export const npm = (cwd: string, ...args: string[]) => spawnSync("npm", args, { cwd, encoding: "utf8", timeout: 600000, env: userEnv });

/** Whether npm reaches its registry (the installs fetch the packages' dependencies). */
export const registryReachable = (): boolean => spawnSync("npm", ["ping"], { encoding: "utf8", timeout: 30000 }).status === 0;

/** An empty ES-module project `name` in `dir`. */
export function newProject(dir: string, name: string): string {
  const project = join(dir, name);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", type: "module", private: true }));
  return project;
}
