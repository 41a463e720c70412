// app.js - the gluteal clinic page: builds a gluteal-case/1 from clicks, posts it
// to /v1/assess (and /v1/next etc. when the server has them), draws the
// differential with evidence, red flags, encounters and a follow-up pain chart.
// No framework, no network beyond this server; every value from the server is
// put in the page with textContent (never innerHTML).
"use strict";

const state = { findings: {}, measurements: {}, kb: [], meas: [], checklists: [], token: sessionStorage.getItem("gluteal-token") || "", encounter: null,
                timer: null, seq: 0, optional: {} };
const GROUPS = [["history", "History"], ["symptoms", "Symptoms"], ["examination", "Examination"],
                ["imaging", "Imaging"], ["tests", "Tests and procedures"]];

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
}
const pct = (p) => (100 * p).toFixed(p >= 0.995 || p < 0.01 ? 1 : 0) + "%";

async function api(method, path, body, auth) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth && state.token) headers["Authorization"] = "Bearer " + state.token;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  return { status: r.status, data };
}

function status(msg, bad) {
  $("status").textContent = msg || "";
  $("status").className = "status" + (bad ? " bad" : "");
}

// ---- the case ----

function buildCase() {
  const c = { format: "gluteal-case/1", setting: $("setting").value,
              patient: { age: Number($("age").value), sex: $("sex").value }, findings: { ...state.findings } };
  if ($("duration").value !== "") c.duration_weeks = Number($("duration").value);
  if ($("side").value) c.side = $("side").value;
  if (Object.keys(state.measurements).length) c.measurements = { ...state.measurements };
  return c;
}

function setFinding(id, value) {
  if (value === 0) delete state.findings[id]; else state.findings[id] = value > 0;
  for (const row of document.querySelectorAll(`[data-finding="${CSS.escape(id)}"]`)) paintRow(row, id);
  $("count").textContent = Object.keys(state.findings).length + " findings entered";
  schedule();
}

function paintRow(row, id) {
  const v = id in state.findings ? (state.findings[id] ? 1 : -1) : 0;
  row.classList.toggle("yes", v > 0);
  row.classList.toggle("no", v < 0);
  for (const b of row.querySelectorAll("button")) b.setAttribute("aria-pressed", String(Number(b.dataset.v) === v));
}

// One finding as a row with yes / no / ? buttons; prefix keeps test ids unique when
// a finding is shown twice (in a checklist and in its own group).
function findingRow(f, label, prefix) {
  const row = el("div", { class: "finding", "data-finding": f.id, title: f.id },
    el("span", { class: "q" }, label),
    el("span", { class: "btns" },
      el("button", { type: "button", "data-v": "1", "data-testid": prefix + "yes-" + f.id,
                     onclick: () => setFinding(f.id, state.findings[f.id] === true ? 0 : 1) }, "yes"),
      el("button", { type: "button", "data-v": "-1", "data-testid": prefix + "no-" + f.id,
                     onclick: () => setFinding(f.id, state.findings[f.id] === false ? 0 : -1) }, "no"),
      el("button", { type: "button", "data-v": "0", onclick: () => setFinding(f.id, 0) }, "?")));
  paintRow(row, f.id);
  return row;
}

// The pain map and the two checklists (kb/groups.tsv) come first: a consultation
// opens with "show me where it hurts; what makes it worse, what eases it?".
function renderChecklists(box) {
  if (!state.checklists.length) return;
  const byId = new Map(state.kb.map((f) => [f.id, f]));
  const det = el("details", { class: "group", "data-group": "checklists", open: "" },
                 el("summary", {}, "Pain map and checklists"));
  for (const c of state.checklists) {
    const sec = el("div", { class: "checklist", "data-checklist": c.id },
                   el("p", { class: "cq" }, c.question.replace(/\s*\([^)]*\)/g, "")));
    for (const id of c.findings) {
      const f = byId.get(id);
      if (f) sec.append(findingRow(f, f.description || f.question, "cl-"));
    }
    det.append(sec);
  }
  box.append(det);
}

function renderFindings() {
  const box = $("groups");
  box.textContent = "";
  renderChecklists(box);
  for (const [g, title] of GROUPS) {
    const items = state.kb.filter((f) => f.group === g && !f.derived);
    const det = el("details", { class: "group", "data-group": g, open: "" },
                   el("summary", {}, `${title} (${items.length})`));
    for (const f of items) det.append(findingRow(f, f.question, ""));
    box.append(det);
  }
  // numeric measurements: the knowledge base turns each into a finding by its published cut-off
  const det = el("details", { class: "group", "data-group": "measurements" },
                 el("summary", {}, `Measurements (${state.meas.length})`));
  for (const m of state.meas) {
    const input = el("input", { type: "number", step: "any", min: m.min, max: m.max, "data-testid": "m-" + m.id,
                                value: m.id in state.measurements ? state.measurements[m.id] : "" });
    input.addEventListener("change", () => {
      if (input.value === "") delete state.measurements[m.id]; else state.measurements[m.id] = Number(input.value);
      schedule();
    });
    det.append(el("div", { class: "finding", "data-finding": m.id },
      el("span", { class: "q" }, `${m.id.replace(/_/g, " ")} (${m.unit}; sets ${m.finding})`), input));
  }
  box.append(det);
}

function applyFilter() {
  const q = $("filter").value.trim().toLowerCase();
  for (const row of document.querySelectorAll(".finding")) {
    const f = row.dataset.finding;
    row.hidden = q !== "" && !(f.includes(q) || row.textContent.toLowerCase().includes(q));
  }
}

// ---- results ----

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(assess, 120);
}

async function assess() {
  const seq = ++state.seq;
  const c = buildCase();
  const r = await api("POST", "/v1/assess", c);
  if (seq !== state.seq) return; // a newer click is on its way
  if (r.status !== 200) { status(r.data && r.data.error ? r.data.error : "assessment failed", true); return; }
  status("");
  renderResult(r.data);
  for (const name of ["next", "localize", "plan", "handout"]) if (state.optional[name]) optionalPanel(name, c, seq);
}

function renderResult(res) {
  const flags = $("redflags");
  flags.textContent = "";
  flags.hidden = res.red_flags.length === 0;
  for (const f of res.red_flags)
    flags.append(el("div", { class: "flag " + f.urgency },
      el("strong", {}, `RED FLAG (${f.urgency}): ${f.title}`), " ", el("span", {}, f.action),
      f.findings.length ? el("span", { class: "muted" }, " because: " + f.findings.join(", ")) : null));
  const u = $("urgency");
  u.textContent = "urgency: " + res.urgency;
  u.className = "urgency " + res.urgency;
  $("scope").textContent = res.outside_scope
    ? "Outside scope: no modelled condition fits well (other cause " + pct(res.other_cause_probability) + ")." : "";
  const ol = $("differential");
  ol.textContent = "";
  for (const d of res.differential.slice(0, 12)) {
    const bar = el("span", { class: "bar" + (d.must_not_miss ? " mnm" : "") });
    bar.style.width = Math.max(0.5, 100 * d.probability).toFixed(1) + "%";
    const table = el("table", { class: "evidence" },
      el("thead", {}, el("tr", {}, ...["finding", "", "LR used", "sens", "spec", "quality", "source"].map((h) => el("th", {}, h)))));
    const tb = el("tbody");
    for (const e of d.evidence)
      tb.append(el("tr", { class: e.lr >= 1 ? "up" : "down" }, el("td", {}, e.finding), el("td", {}, e.present ? "present" : "absent"),
        el("td", {}, e.lr.toFixed(2)), el("td", {}, e.sensitivity ?? ""), el("td", {}, e.specificity ?? ""),
        el("td", {}, e.quality), el("td", { class: "src" }, e.source, el("br"), el("code", {}, e.kb_row))));
    table.append(tb);
    const li = el("li", { class: "cond", "data-condition": d.condition },
      el("details", {},
        el("summary", {},
          el("span", { class: "name" }, d.name, d.must_not_miss ? el("span", { class: "tag" }, "must not miss") : null),
          el("span", { class: "barbox" }, bar), el("span", { class: "p", "data-testid": "p-" + d.condition }, pct(d.probability))),
        el("p", { class: "muted" }, `Prior ${pct(d.prior)} (${d.prior_source.slice(0, 200)}${d.prior_source.length > 200 ? "..." : ""}). ICD-10-CM: ${d.icd10.join(", ") || "-"}.`),
        d.umbrella ? null : el("p", { class: "muted", "data-testid": "alone-" + d.condition },
          `On its own: prior ${pct(d.prior)} × likelihood ratios ${d.lr_product.toPrecision(3)} = ${pct(d.probability_alone)}; ` +
          `the ${pct(d.probability)} above also weighs the other conditions that could explain the findings.`),
        d.evidence.length ? table : el("p", { class: "muted" }, "No entered finding moves this condition.")));
    ol.append(li);
  }
}

async function optionalPanel(name, c, seq) {
  const panel = $(name + "-panel"), box = $(name);
  if (name === "handout") return handoutPanel(c, seq, panel, box);
  const r = await api("POST", "/v1/" + name, c);
  if (seq !== state.seq) return;
  if (r.status === 404 || r.status === 405) { state.optional[name] = false; panel.hidden = true; return; }
  panel.hidden = false;
  box.textContent = "";
  if (r.status !== 200) { box.append(el("p", { class: "bad" }, r.data && r.data.error || "failed")); return; }
  if (name === "localize") {
    const d = r.data;
    if (!d.findings_present) { box.append(el("p", { class: "muted" }, "No localising neurological findings entered.")); return; }
    const t = el("table", { class: "evidence" }, el("tr", {}, ...["site", "share", "explains", "supports"].map((h) => el("th", {}, h))));
    for (const s of d.sites.slice(0, 5))
      t.append(el("tr", {}, el("td", {}, s.name), el("td", {}, pct(s.share)), el("td", {}, s.explains.join(", ")),
        el("td", {}, s.supports || "")));
    box.append(el("p", { class: "muted" }, "Shares are relative fit among lesion sites, not probabilities of disease."), t);
  } else if (name === "plan") {
    const d = r.data;
    box.append(el("h4", {}, "Work-up"));
    const ul = el("ul");
    for (const w of d.workup || [])
      ul.append(el("li", {}, el("strong", {}, w.test), ` (${w.tier}, ${w.status}, ${w.timing}) `,
        el("span", { class: "muted" }, (w.reasons || []).map((x) => x.why).join(" ")) ));
    box.append(ul);
    for (const t of d.treatment || []) {
      box.append(el("h4", {}, `Treatment ladder: ${t.name} (${pct(t.probability)})`));
      const ol = el("ol");
      for (const s of t.steps || []) ol.append(el("li", {}, s.treatment, " ", el("span", { class: "muted" }, s.outcome || "")));
      box.append(ol);
    }
  } else if (name === "next") {
    for (const q of (r.data.questions || []).slice(0, 6))
      box.append(el("li", { class: q.red_flag ? "rf" : "" }, el("span", {}, q.text), " ",
        el("button", { type: "button", onclick: () => setFinding(q.finding, 1) }, "yes"),
        el("button", { type: "button", onclick: () => setFinding(q.finding, -1) }, "no"),
        el("div", { class: "muted" }, q.why || "")));
  } else if (name === "handout" && typeof r.data.text === "string") {
    box.append(el("pre", {}, r.data.text));
  } else {
    box.append(el("pre", { class: "json" }, JSON.stringify(r.data, null, 2).slice(0, 20000)));
  }
}

async function probeOptional() {
  // endpoints other engineers add: shown when the server has them
  const c = buildCase();
  for (const name of ["next", "localize", "plan", "handout"]) {
    const r = await api("POST", "/v1/" + name, c);
    state.optional[name] = r.status !== 404 && r.status !== 405;
  }
}

// The printable handout is self-contained HTML: shown in a sandboxed frame, printed from it.
async function handoutPanel(c, seq, panel, box) {
  const r = await fetch("/v1/handout", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(c) });
  const text = await r.text();
  if (seq !== state.seq) return;
  if (r.status === 404 || r.status === 405) { state.optional.handout = false; panel.hidden = true; return; }
  panel.hidden = false;
  box.textContent = "";
  if (r.status !== 200) { box.append(el("p", { class: "bad" }, "handout: " + r.status)); return; }
  const f = el("iframe", { sandbox: "allow-same-origin allow-modals", title: "Patient handout", "data-testid": "handout-frame" });
  f.srcdoc = text;
  box.append(f);
}

// ---- encounters and follow-ups ----

async function useToken() {
  state.token = $("token").value.trim();
  sessionStorage.setItem("gluteal-token", state.token);
  await loadEncounters();
}

async function loadEncounters() {
  const r = await api("GET", "/v1/encounters?limit=50", undefined, true);
  if (r.status !== 200) { $("enc-ui").hidden = true; status(r.data ? r.data.error : "cannot list encounters", true); return; }
  status("");
  $("enc-ui").hidden = false;
  const ul = $("encounters");
  ul.textContent = "";
  for (const e of r.data.encounters)
    ul.append(el("li", {}, el("button", { type: "button", class: "link", "data-testid": "enc-" + e.id, onclick: () => openEncounter(e.id) },
      `#${e.id} ${e.patient_ref || "(no reference)"} · ${e.created_at.slice(0, 16).replace("T", " ")} · ${e.leading || ""} · ${e.urgency} · ${e.followup_count} follow-ups`)));
}

async function saveEncounter() {
  const body = { case: buildCase() };
  const ref = $("patient-ref").value.trim();
  if (ref) body.patient_ref = ref;
  const r = await api("POST", "/v1/encounters", body, true);
  if (r.status !== 201) { status(r.data ? r.data.error : "save failed", true); return; }
  await loadEncounters();
  await openEncounter(r.data.id);
  status(`Encounter #${r.data.id} saved.`);
}

async function openEncounter(id) {
  const r = await api("GET", "/v1/encounters/" + id, undefined, true);
  if (r.status !== 200) { status(r.data ? r.data.error : "cannot read", true); return; }
  state.encounter = r.data;
  $("encounter").hidden = false;
  $("enc-title").textContent = `Encounter #${r.data.id} · ${r.data.patient_ref || "(no reference)"} · knowledge base ${r.data.kb_version}`;
  renderFollowups(r.data.followups);
}

function renderFollowups(fus) {
  const t = $("fu-table");
  t.textContent = "";
  t.append(el("tr", {}, ...["date", "pain", "function", "treatments", "by"].map((h) => el("th", {}, h))));
  for (const f of fus)
    t.append(el("tr", {}, el("td", {}, f.date || f.created_at.slice(0, 10)), el("td", {}, f.pain_nprs),
      el("td", {}, f.function || ""), el("td", {}, (f.treatments || []).join(", ")), el("td", {}, f.recorded_by)));
  drawChart(fus);
}

// Pain (NPRS 0-10) over time as inline SVG, one point per follow-up.
function drawChart(fus) {
  const box = $("chart");
  box.textContent = "";
  if (!fus.length) { box.append(el("p", { class: "muted" }, "No follow-ups yet.")); return; }
  const NS = "http://www.w3.org/2000/svg", W = 480, H = 200, L = 36, R = 12, T = 12, B = 30;
  const svg = document.createElementNS(NS, "svg");
  const s = (tag, a) => { const e = document.createElementNS(NS, tag); for (const k in a) e.setAttribute(k, a[k]); return e; };
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Pain over time");
  svg.setAttribute("data-testid", "pain-chart");
  const x = (i) => L + (fus.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (fus.length - 1));
  const y = (p) => T + ((10 - p) * (H - T - B)) / 10;
  for (const p of [0, 2, 4, 6, 8, 10]) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(p), y2: y(p), stroke: "#ddd" }));
    const t = s("text", { x: L - 6, y: y(p) + 4, "text-anchor": "end", "font-size": 11, fill: "#555" });
    t.textContent = p;
    svg.append(t);
  }
  svg.append(s("polyline", { points: fus.map((f, i) => `${x(i)},${y(f.pain_nprs)}`).join(" "), fill: "none",
                             stroke: "#1f6feb", "stroke-width": 2 }));
  fus.forEach((f, i) => {
    const c = s("circle", { cx: x(i), cy: y(f.pain_nprs), r: 4, fill: "#1f6feb", class: "pt" });
    const tt = s("title", {});
    tt.textContent = `${f.date || f.created_at.slice(0, 10)}: pain ${f.pain_nprs}${(f.treatments || []).length ? " after " + f.treatments.join(", ") : ""}`;
    c.append(tt);
    svg.append(c);
    const lb = s("text", { x: x(i), y: H - 10, "text-anchor": "middle", "font-size": 10, fill: "#555" });
    lb.textContent = (f.date || f.created_at).slice(5, 10);
    svg.append(lb);
  });
  const yl = s("text", { x: 10, y: T + 8, "font-size": 10, fill: "#555" });
  yl.textContent = "NPRS";
  svg.append(yl);
  box.append(svg);
}

async function addFollowup(ev) {
  ev.preventDefault();
  if (!state.encounter) return;
  const body = { pain_nprs: Number($("fu-pain").value) };
  if ($("fu-date").value) body.date = $("fu-date").value;
  if ($("fu-function").value.trim()) body.function = $("fu-function").value.trim();
  const tr = $("fu-treatments").value.split(",").map((t) => t.trim()).filter(Boolean);
  if (tr.length) body.treatments = tr;
  const r = await api("POST", `/v1/encounters/${state.encounter.id}/followups`, body, true);
  if (r.status !== 201) { status(r.data ? r.data.error : "follow-up failed", true); return; }
  status("Follow-up saved.");
  $("followup").reset();
  renderFollowups(r.data.followups);
  loadEncounters();
}

// ---- start ----

async function start() {
  const r = await api("GET", "/v1/kb/findings");
  if (r.status !== 200) { status("cannot load the knowledge base", true); return; }
  state.kb = r.data.findings;
  state.meas = r.data.measurements || [];
  state.checklists = r.data.checklists || [];
  $("kbver").textContent = "knowledge base " + r.data.kb_version;
  renderFindings();
  for (const id of ["age", "sex", "setting", "duration", "side"]) $(id).addEventListener("change", schedule);
  $("age").addEventListener("input", schedule);
  $("filter").addEventListener("input", applyFilter);
  $("clear").addEventListener("click", () => {
    state.findings = {};
    state.measurements = {};
    renderFindings();
    applyFilter();
    schedule();
  });
  $("use-token").addEventListener("click", useToken);
  $("save").addEventListener("click", saveEncounter);
  $("followup").addEventListener("submit", addFollowup);
  $("print").addEventListener("click", () => {
    const f = document.querySelector("[data-testid=handout-frame]");
    if (f && f.contentWindow) f.contentWindow.print(); else window.print();
  });
  $("token").value = state.token;
  await probeOptional();
  await assess();
  if (state.token) loadEncounters();
  document.body.dataset.ready = "1";
}

start();
