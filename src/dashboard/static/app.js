// kerno dashboard page: the runs list (refreshed every 5 s), a run's live curves (server-sent
// events), its pictures and report, a second run overlaid, and the newest benchmark.

const $ = (id) => document.getElementById(id);
let current = null;
let source = null;
let compareHistory = null;
const plots = [];

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

const idOf = (run) => run.dir.split(/[\\/]/).pop();
const fmtDuration = (s) => (s == null ? "-" : s < 60 ? `${s.toFixed(0)} s` : s < 3600 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

async function refreshRuns() {
  const runs = await getJson("/api/runs");
  const body = $("runs").querySelector("tbody");
  body.replaceChildren(
    ...runs.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.run = idOf(r);
      const cells = [
        idOf(r),
        r.started.slice(0, 16).replace("T", " "),
        r.status,
        r.note ? "-" : r.epochs,
        // a history too long for the list carries a note instead; the run's own view reads it whole
        r.best ? `${r.best.metric} ${r.best.value.toPrecision(4)}` : r.note ? "too long to list: open the run" : "-",
        fmtDuration(r.seconds),
      ];
      for (const [i, c] of cells.entries()) {
        const td = document.createElement("td");
        td.textContent = String(c);
        if (i === 2) td.className = r.status;
        tr.append(td);
      }
      if (r.note) tr.title = r.note;
      tr.onclick = () => openRun(idOf(r));
      return tr;
    }),
  );
  const select = $("compare");
  const keep = select.value;
  select.replaceChildren(new Option("(none)", ""), ...runs.map((r) => new Option(idOf(r), idOf(r))));
  select.value = keep;
}

/** One chart per metric: training solid, validation dashed-looking, the compared run's in grey. */
function drawCharts(history) {
  for (const p of plots.splice(0)) p.destroy();
  const charts = $("charts");
  charts.replaceChildren();
  const metrics = Object.keys(history).filter((k) => k !== "epoch" && !k.startsWith("val_") && k !== "learning_rate");
  for (const metric of metrics) {
    const epochs = history.epoch ?? history[metric].map((_, i) => i);
    const series = [{ label: "epoch" }, { label: metric, stroke: "#1f5fbf", width: 2 }];
    const data = [epochs, history[metric]];
    if (history[`val_${metric}`]) {
      series.push({ label: `val_${metric}`, stroke: "#d9480f", width: 2 });
      data.push(history[`val_${metric}`]);
    }
    if (compareHistory?.[metric]) {
      const n = epochs.length;
      const pad = (v) => epochs.map((_, i) => (i < v.length ? v[i] : null)).slice(0, Math.max(n, 0));
      series.push({ label: `other ${metric}`, stroke: "#999", dash: [6, 4] });
      data.push(pad(compareHistory[metric]));
      if (compareHistory[`val_${metric}`]) {
        series.push({ label: `other val_${metric}`, stroke: "#bbb", dash: [2, 3] });
        data.push(pad(compareHistory[`val_${metric}`]));
      }
    }
    const div = document.createElement("div");
    div.className = "chart";
    div.dataset.metric = metric;
    charts.append(div);
    plots.push(new uPlot({ title: metric, width: 460, height: 240, scales: { x: { time: false } }, series }, data, div));
  }
  charts.dataset.points = String((history.epoch ?? []).length);
}

function drawReport(report) {
  const box = $("report");
  box.replaceChildren();
  const classes = report?.report?.classes;
  if (!classes) return;
  const table = document.createElement("table");
  table.id = "class-report";
  table.innerHTML = "<thead><tr><th>class</th><th>precision</th><th>recall</th><th>f1</th><th>support</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const c of classes) {
    const tr = document.createElement("tr");
    for (const v of [c.name, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), c.support]) {
      const td = document.createElement("td");
      td.textContent = String(v);
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  box.append(table);
}

async function openRun(id) {
  current = id;
  source?.close();
  const d = await getJson(`/api/runs/${encodeURIComponent(id)}`);
  $("detail").hidden = false;
  $("title").textContent = id;
  $("status").textContent = d.run ? `${d.run.status}, ${d.run.epochs} epochs` : "";
  drawReport(d.report);
  const pictures = $("pictures");
  pictures.replaceChildren(
    ...d.files
      .filter((f) => /\.(svg|png|jpg)$/.test(f) && !(f.endsWith(".svg") && d.files.includes(f.replace(/\.svg$/, ".png"))))
      .map((f) => {
        const img = new Image();
        img.src = `/api/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`;
        img.alt = f;
        img.title = f;
        return img;
      }),
  );
  $("summary").textContent = d.files.includes("summary.txt") ? await (await fetch(`/api/runs/${encodeURIComponent(id)}/files/summary.txt`)).text() : "";
  drawCharts(d.history);
  source = new EventSource(`/api/runs/${encodeURIComponent(id)}/stream`);
  source.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (current !== id) return;
    $("status").textContent = `${msg.status}, ${(msg.history.epoch ?? []).length} epochs`;
    drawCharts(msg.history);
  };
  // the server ends the stream when the run folder is deleted; without this the page would retry
  const mine = source; // by the time "gone" comes, `source` may be another run's stream
  mine.addEventListener("gone", () => {
    mine.close();
    if (current === id) $("status").textContent = "the run folder was removed";
  });
}

$("compare").onchange = async () => {
  const other = $("compare").value;
  compareHistory = other ? (await getJson(`/api/runs/${encodeURIComponent(other)}`)).history : null;
  if (current) drawCharts((await getJson(`/api/runs/${encodeURIComponent(current)}`)).history);
};

async function drawBench() {
  const bench = await getJson("/api/bench");
  if (!bench?.rows) return;
  const table = document.createElement("table");
  table.innerHTML = "<thead><tr><th>workload</th><th>metric</th><th>unit</th><th>kerno</th><th>pytorch</th><th>ratio</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const r of bench.rows) {
    const tr = document.createElement("tr");
    for (const v of [r.workload, r.metric, r.unit, r.kernoNative, r.pytorch, r.ratio == null ? "-" : `${r.ratio.toFixed(2)}x`]) {
      const td = document.createElement("td");
      td.textContent = v == null ? "-" : typeof v === "number" ? v.toPrecision(4) : String(v);
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  $("bench-table").replaceChildren(`${bench.file} (load ${bench.machine?.loadStart ?? "?"} at the start)`, table);
}

refreshRuns();
drawBench();
setInterval(refreshRuns, 5000);
