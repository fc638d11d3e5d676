/** Outcome 9: your own folder, table or series, in one call (what kerno train --images/--csv/--series runs). */
import { trainOwnImages } from "../src/recipes/own-images.js";
import { trainOwnSeries } from "../src/recipes/own-series.js";
import { trainOwnTable } from "../src/recipes/own-table.js";

export async function run(paths: { photos?: string; csv?: string; target?: string; series?: string; column?: string }, out: string, epochs?: number) {
  const results = [];
  // #region own-data
  if (paths.photos) results.push(await trainOwnImages(paths.photos, { out: `${out}/images`, epochs })); // class folders
  if (paths.csv) results.push(await trainOwnTable(paths.csv, { out: `${out}/csv`, epochs, flags: { target: paths.target ?? "" } }));
  if (paths.series) results.push(await trainOwnSeries(paths.series, { out: `${out}/series`, epochs, flags: { column: paths.column ?? "" } }));
  // #endregion
  return results;
}
