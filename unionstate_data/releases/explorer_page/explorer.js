// The timeline explorer: draws the embedded data (unionstate_data/releases/explorer_data.py) as
// an SVG timeline in lanes, filters it, shows each item's evidence, and judges what was in force
// on a date. No library, no network: everything it needs is in this file and the data block.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const FIRST = "1990-01-01", LAST = "2025-12-31";
  const LABEL_W = 185, RIGHT_PAD = 16, ROW_H = 9, LANE_PAD = 6, AXIS_H = 22, POINT_W = 9;
  const byId = new Map(DATA.items.map((item) => [item.id, item]));
  const svg = document.getElementById("timeline");
  const $ = (id) => document.getElementById(id);

  // ---- days: ISO strings compare in order; numbers place them on the axis ----
  function dayNumber(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / 864e5;
  }
  function isoOf(day) { return new Date(day * 864e5).toISOString().slice(0, 10); }
  const pad = (n) => String(n).padStart(2, "0");

  // The first and last day a partial date can mean, or null when it is not YYYY[-MM[-DD]].
  function bounds(text) {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(text).trim());
    if (!m) return null;
    const y = Number(m[1]);
    if (y < 1) return null;
    if (m[2] === undefined) return [`${m[1]}-01-01`, `${m[1]}-12-31`];
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (m[3] === undefined) return [`${m[1]}-${m[2]}-01`, `${m[1]}-${m[2]}-${pad(last)}`];
    const d = Number(m[3]);
    if (d < 1 || d > last) return null;
    return [`${m[1]}-${m[2]}-${m[3]}`, `${m[1]}-${m[2]}-${m[3]}`];
  }

  // ---- as of a date: the rules of usd.in_force / usd.as_of ----
  // The same rules, in the same order, as unionstate_data.queries.judging.judge, applied to the
  // same spans (queries.asof.treaty_spans, embedded by Python): a span is judged yes on [a, b]
  // (a day, or every day of a month or year) only when it is yes on every day, no only when it
  // is no on every day, otherwise unknown. A test checks that the page and the library agree.
  const lt = (x, y) => x != null && y != null && x < y;
  const le = (x, y) => x != null && y != null && x <= y;
  function judge(s, a, b, yes, no, began) {
    const since = `${began} ${s.start_text}`;
    if (lt(b, s.floor_lo)) return [no, `signed ${s.floor_text}, after the date`];
    if (le(s.end_hi, a)) return [no, `ended ${s.end_text}, on or before the date`];
    if (lt(b, s.start_lo)) return [no, `${began} ${s.start_text}, after the date`];
    if (lt(a, s.floor_hi)) return ["unknown", `signed ${s.floor_text}, which may be after the date`];
    if (s.start_lo == null) return ["unknown", `no start is recorded${s.start_gap ? " (searched for and not found)" : ""}`];
    if (lt(a, s.start_hi)) return ["unknown", `${since}, which may be after the date`];
    if (le(s.end_lo, b)) return ["unknown", `${since}; ended ${s.end_text}, which may be on or before the date`];
    if (s.end_lo != null) return [yes, `${since}; ended ${s.end_text}, after the date`];
    if (s.end_gap) return ["unknown", `${since}; its end is not recorded (searched for and not found)`];
    if (le(b, s.alive_lo)) return [yes, `${since}; no end is recorded, and ${s.alive_text}, so it had not ended by the date`];
    if (s.open_end) return [yes, `${since}; no end is recorded: it lasted when the data was compiled`];
    return ["unknown", `${since}; no end is recorded, and an empty end in this dataset means not known`];
  }
  function inForce(date) {
    const b = bounds(date);
    if (!b) throw new Error(`not a date: ${date}`);
    const [lo, hi] = b;
    return DATA.as_of.treaties.map((t) => {
      const [status, reason] = t.span
        ? judge(t.span, lo, hi, "in_force", "not_in_force", "entered into force")
        : ["unknown", "this version of the data lacks the tables the judgement needs (0.3.0 and later have them)"];
      return { treaty_id: t.treaty_id, status, reason };
    });
  }
  function spansAsOf(rows, date) {
    const [lo, hi] = bounds(date);
    return rows.map((r) => {
      const [status, reason] = judge(r.span, lo, hi, "existed", "not_existed", "began");
      return Object.assign({}, r, { status, reason });
    });
  }

  // ---- filters ----
  const state = { v0: dayNumber(FIRST), v1: dayNumber(LAST) + 1, selected: null, asof: $("asof").value };
  function checkboxes(containerId, values, label) {
    const box = $(containerId);
    for (const value of values) {
      const el = document.createElement("label");
      el.innerHTML = `<input type="checkbox" checked value="${value}"> `;
      el.append(label(value));
      box.append(el);
    }
    box.addEventListener("change", render);
  }
  const checked = (id) => new Set([...$(id).querySelectorAll("input:checked")].map((i) => i.value));
  const uniq = (values) => [...new Set(values)].sort();
  checkboxes("kinds", ["treaty", ...uniq(DATA.items.filter((i) => i.kind !== "treaty").map((i) => i.kind))], (k) => k.replace(/_/g, " "));
  checkboxes("themes", [...uniq(DATA.items.flatMap((i) => i.themes)), "none"], (t) => t === "none" ? "(no theme coded)" : t.replace(/_/g, " "));
  checkboxes("reliability", uniq(DATA.items.map((i) => i.reliability)), (r) => r.replace(/_/g, " "));
  const partySelect = $("party");
  for (const pid of uniq(DATA.items.flatMap((i) => i.parties)).sort((a, b) => partyName(a).localeCompare(partyName(b), "en"))) {
    partySelect.add(new Option(partyName(pid), pid));
  }
  partySelect.addEventListener("change", render);
  $("search").addEventListener("input", render);
  function partyName(pid) { return (DATA.parties[pid] || [pid])[0]; }

  function visibleItems() {
    const kinds = checked("kinds"), themes = checked("themes"), rel = checked("reliability");
    const party = partySelect.value, query = $("search").value.trim().toLocaleLowerCase();
    return DATA.items.filter((i) => kinds.has(i.kind) && rel.has(i.reliability)
      && (i.themes.length ? i.themes.some((t) => themes.has(t)) : themes.has("none"))
      && (!party || i.parties.includes(party))
      && (!query || [i.title, i.title_en, i.title_ru].some((t) => t && t.toLocaleLowerCase().includes(query))));
  }

  // ---- drawing ----
  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.append(node);
    return node;
  }
  function render() {
    const width = Math.max(svg.clientWidth || 900, 400);
    const plotW = width - LABEL_W - RIGHT_PAD;
    const x = (day) => LABEL_W + (day - state.v0) / (state.v1 - state.v0) * plotW;
    const edge = x(dayNumber(LAST) + 1);
    const items = visibleItems();
    // Place each item, then stack those that overlap into rows, lane by lane.
    const placed = items.map((item) => {
      const x0 = x(dayNumber(item.start));
      const x1 = item.open ? Math.max(edge, x0 + 2) : item.end ? x(dayNumber(item.end) + 1) : null;
      return { item, x0, x1, right: Math.max(x1 === null ? x0 + POINT_W : x1, x0 + POINT_W) };
    });
    svg.replaceChildren();
    const defs = el("defs", {}, svg);
    const grad = el("linearGradient", { id: "fade", x1: "0", x2: "1" }, defs);
    el("stop", { offset: "0.75", "stop-color": "#2f5d8a" }, grad);
    el("stop", { offset: "1", "stop-color": "#2f5d8a", "stop-opacity": "0.25" }, grad);
    el("clipPath", { id: "plot" }, defs).append(el("rect", { x: LABEL_W, y: 0, width: plotW, height: 5000 }));
    const lanesG = el("g", {}, svg), axisG = el("g", {}, svg);
    const itemsG = el("g", { id: "items", "clip-path": "url(#plot)" }, svg);
    let y = AXIS_H;
    DATA.lanes.forEach(([lane, label], index) => {
      const rows = [];
      const mine = placed.filter((p) => p.item.lane === lane).sort((a, b) => a.x0 - b.x0 || (a.item.id < b.item.id ? -1 : 1));
      for (const p of mine) {
        let row = rows.findIndex((end) => end <= p.x0 - 1);
        if (row < 0) { row = rows.length; rows.push(0); }
        rows[row] = p.right;
        p.y = y + LANE_PAD + row * ROW_H;
      }
      const h = Math.max(rows.length, 2) * ROW_H + 2 * LANE_PAD;
      el("rect", { class: `lane-bg${index % 2 ? " alt" : ""}`, x: 0, y, width, height: h }, lanesG);
      el("text", { class: "lane-label", x: 6, y: y + 14 }, lanesG).textContent = label;
      y += h;
    });
    svg.setAttribute("height", y + 4);
    drawAxis(axisG, x, plotW, y);
    for (const p of placed) drawItem(itemsG, p, edge);
    const line = x(dayNumber(bounds(state.asof) ? bounds(state.asof)[0] : FIRST));
    el("line", { class: "asof-line", x1: line, x2: line, y1: AXIS_H - 4, y2: y }, itemsG);
    $("count").textContent = `${items.length} of ${DATA.items.length} items shown`;
  }
  function drawAxis(g, x, plotW, height) {
    const years = (state.v1 - state.v0) / 365.25;
    const step = years > 24 ? 5 : years > 10 ? 2 : years > 3 ? 1 : 0;
    const first = new Date(state.v0 * 864e5).getUTCFullYear(), last = new Date(state.v1 * 864e5).getUTCFullYear();
    const ticks = [];
    if (step) for (let yr = Math.ceil(first / step) * step; yr <= last; yr += step) ticks.push([`${yr}-01-01`, String(yr)]);
    else for (let yr = first; yr <= last; yr++) for (let mo = 1; mo <= 12; mo++) ticks.push([`${yr}-${pad(mo)}-01`, mo === 1 ? String(yr) : pad(mo)]);
    for (const [iso, text] of ticks) {
      const tx = x(dayNumber(iso));
      if (tx < LABEL_W || tx > LABEL_W + plotW) continue;
      const tick = el("g", { class: "tick" }, g);
      el("line", { x1: tx, x2: tx, y1: AXIS_H - 6, y2: height }, tick);
      el("text", { x: tx + 2, y: 12 }, tick).textContent = text;
    }
  }
  function drawItem(g, p, edge) {
    const { item } = p;
    const cls = `item ${item.table === "treaties" ? "treaty" : "event"}${item.open ? " open" : ""}${state.selected === item.id ? " selected" : ""}`;
    const node = el("g", { class: cls, "data-id": item.id, "data-lane": item.lane, tabindex: "0" }, g);
    el("title", {}, node).textContent = `${item.title} (${item.fields.find((f) => f[0] === "signed" || f[0] === "date")[1]})`;
    if (p.x1 !== null) {
      el("rect", { class: "span", x: p.x0, y: p.y + 1, width: Math.max(p.x1 - p.x0, 2), height: ROW_H - 3, rx: 2 }, node);
      if (item.open) el("polygon", { class: "open-mark", points: `${edge - 6},${p.y} ${edge},${p.y + (ROW_H - 2) / 2} ${edge - 6},${p.y + ROW_H - 2}` }, node);
    } else {
      const date = item.fields.find((f) => f[0] === "date")[1];
      const b = bounds(date);
      if (b[0] !== b[1]) {
        const rx1 = p.x0 + (dayNumber(b[1]) + 1 - dayNumber(b[0])) / (state.v1 - state.v0) * (svg.clientWidth - LABEL_W - RIGHT_PAD);
        el("rect", { class: "range", x: p.x0, y: p.y + 2, width: Math.max(rx1 - p.x0, 2), height: ROW_H - 5 }, node);
      }
      el("circle", { cx: p.x0 + 3, cy: p.y + (ROW_H - 2) / 2 + 1, r: 3.5 }, node);
    }
  }

  // ---- zoom and pan ----
  function zoom(factor, centreDay) {
    const span = Math.min(Math.max((state.v1 - state.v0) * factor, 60), dayNumber(LAST) + 1 - dayNumber(FIRST) + 730);
    const c = centreDay === undefined ? (state.v0 + state.v1) / 2 : centreDay;
    const share = (c - state.v0) / (state.v1 - state.v0);
    state.v0 = c - share * span;
    state.v1 = state.v0 + span;
    render();
  }
  const dayAt = (clientX) => state.v0 + (clientX - svg.getBoundingClientRect().left - LABEL_W) / (svg.clientWidth - LABEL_W - RIGHT_PAD) * (state.v1 - state.v0);
  svg.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 0.8 : 1.25, dayAt(e.clientX)); }, { passive: false });
  let drag = null;
  svg.addEventListener("mousedown", (e) => { drag = { x: e.clientX, v0: state.v0, v1: state.v1, moved: false }; });
  window.addEventListener("mousemove", (e) => {
    if (!drag || Math.abs(e.clientX - drag.x) < 3) return;
    const shift = (e.clientX - drag.x) / (svg.clientWidth - LABEL_W - RIGHT_PAD) * (drag.v1 - drag.v0);
    Object.assign(state, { v0: drag.v0 - shift, v1: drag.v1 - shift });
    drag.moved = true;
    render();
  });
  window.addEventListener("mouseup", () => { setTimeout(() => { drag = null; }, 0); });
  $("zoom-in").addEventListener("click", () => zoom(0.5));
  $("zoom-out").addEventListener("click", () => zoom(2));
  $("zoom-reset").addEventListener("click", () => { state.v0 = dayNumber(FIRST); state.v1 = dayNumber(LAST) + 1; render(); });
  window.addEventListener("resize", render);
  svg.addEventListener("click", (e) => {
    const node = e.target.closest(".item");
    if (node && !(drag && drag.moved)) select(node.dataset.id);
  });
  svg.addEventListener("keydown", (e) => {
    const node = e.target.closest(".item");
    if (node && (e.key === "Enter" || e.key === " ")) select(node.dataset.id);
  });

  // ---- the details panel: fields, evidence, disputes, gaps, links ----
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  function evidenceHtml(sourceId, quote, locator) {
    const s = DATA.sources[sourceId] || { title: sourceId };
    const url = s.url ? ` <a href="${esc(s.url)}" target="_blank" rel="noopener noreferrer">${esc(s.url)}</a>` : "";
    return `<blockquote class="quote">${esc(quote)}</blockquote><div class="source">${esc(s.title)}`
      + `${s.publisher ? ` — ${esc(s.publisher)}` : ""}${s.published ? `, ${esc(s.published)}` : ""}`
      + ` <span class="rel">${esc(s.reliability || "")}</span>${locator ? ` (${esc(locator)})` : ""}${url}</div>`;
  }
  function select(id) {
    const item = byId.get(id);
    if (!item) return;
    state.selected = id;
    render();
    const key = `${item.table}/${item.record_id}`;
    const own = DATA.evidence[key] || [], gaps = DATA.gaps[key] || [], disputes = DATA.disputes[key] || [];
    let html = `<h2>${esc(item.title)}</h2><p class="meta">${esc(item.table === "treaties" ? "treaty" : `event: ${item.kind}`)} · ${esc(item.record_id)} · lane: ${esc(DATA.lanes.find((l) => l[0] === item.lane)[1])}</p><dl>`;
    for (const [field, value] of item.fields) {
      html += `<dt>${esc(field)}</dt>`;
      if (value === null) {
        const gap = gaps.find((g) => g.field === field);
        html += `<dd>${gap ? `<span class="gap">unknown: searched for ${esc(gap.searched)}${gap.note ? `. ${esc(gap.note)}` : ""}</span>` : "—"}</dd>`;
        continue;
      }
      const ev = own.filter((e) => e.field === field);
      html += `<dd>${esc(value)}${(ev.length ? ev : [item.evidence]).map((e) => evidenceHtml(e.source_id, e.quote, e.locator)).join("")}</dd>`;
    }
    html += "</dl>";
    for (const d of disputes) {
      html += `<div class="dispute"><strong>Disputed ${esc(d.field)}</strong>: the dataset holds <b>${esc(d.chosen_value)}</b>`
        + evidenceHtml(d.chosen_source_id, d.chosen_quote) + `another source gives <b>${esc(d.alternative_value)}</b>`
        + evidenceHtml(d.alternative_source_id, d.alternative_quote) + `<p>${esc(d.rationale)}</p></div>`;
    }
    const links = item.links.filter((l) => byId.has(`treaty:${l[1]}`));
    if (links.length) {
      html += "<h3>Links</h3><ul>" + links.map(([, tid, rel]) => `<li>${esc(rel)}: <button class="link" data-go="treaty:${esc(tid)}">${esc(byId.get(`treaty:${tid}`).title)}</button></li>`).join("") + "</ul>";
    }
    const steps = DATA.steps[item.record_id];
    if (item.table === "treaties" && steps) {
      html += "<h3>Steps</h3><ul>" + steps.map(([step, party, date, act, ev]) => `<li>${esc(date)} ${esc(step.replace(/_/g, " "))}${party ? ` (${esc(partyName(party))})` : ""}${act ? `: ${esc(act)}` : ""}${evidenceHtml(ev.source_id, ev.quote, ev.locator)}</li>`).join("") + "</ul>";
    }
    if (item.roles.length) {
      html += "<h3>Parties</h3><ul>" + item.roles.map(([pid, role]) => `<li>${esc(partyName(pid))} (${esc(role)})</li>`).join("") + "</ul>";
    }
    $("details").innerHTML = html;
  }
  $("details").addEventListener("click", (e) => {
    const go = e.target.closest("[data-go]");
    if (go) select(go.dataset.go);
  });

  // ---- the as-of panel ----
  const GROUPS = { in_force: "In force", unknown: "Unknown", not_in_force: "Not in force", existed: "Existed", not_existed: "Did not exist" };
  function listHtml(rows, label, order) {
    return order.map((status) => {
      const mine = rows.filter((r) => r.status === status);
      return `<h4>${GROUPS[status]} (${mine.length})</h4><ul>` + mine.map((r) => `<li data-status="${status}" data-id="${esc(r.id)}">${label(r)} <span class="reason">${esc(r.reason)}</span></li>`).join("") + "</ul>";
    }).join("");
  }
  function showAsOf() {
    const date = $("asof").value.trim();
    if (!bounds(date)) { $("asof-error").textContent = `"${date}" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD`; return; }
    $("asof-error").textContent = "";
    state.asof = date;
    const names = new Map(DATA.as_of.treaties.map((t) => [t.treaty_id, t.name]));
    const treaties = inForce(date).map((r) => Object.assign(r, { id: r.treaty_id }));
    $("asof-treaties").innerHTML = listHtml(treaties, (r) => `<button class="link" data-go="treaty:${esc(r.id)}">${esc(names.get(r.id))}</button>`, ["in_force", "unknown", "not_in_force"]);
    $("asof-bodies").innerHTML = listHtml(spansAsOf(DATA.as_of.bodies, date), (r) => esc(partyName(r.id)), ["existed", "unknown"]);
    $("asof-offices").innerHTML = listHtml(spansAsOf(DATA.as_of.office_holders, date), (r) => `${esc(partyName(r.person))}, ${esc(r.office)}`, ["existed", "unknown"]);
    const b = bounds(date)[0].split("-").map(Number);
    $("asof-range").value = String(Math.min(Math.max((b[0] - 1990) * 12 + b[1] - 1, 0), 431));
    render();
  }
  $("asof").addEventListener("change", showAsOf);
  $("asof-range").addEventListener("input", () => {
    const n = Number($("asof-range").value);
    $("asof").value = `${1990 + Math.floor(n / 12)}-${pad(n % 12 + 1)}`;
    showAsOf();
  });
  $("asof-treaties").addEventListener("click", (e) => { const go = e.target.closest("[data-go]"); if (go) select(go.dataset.go); });

  $("citation").textContent = DATA.citation;
  $("lane-rules").textContent = DATA.lane_rules;
  window.explorer = { inForce, bounds, bodiesAsOf: (d) => spansAsOf(DATA.as_of.bodies, d), visibleCount: () => visibleItems().length, rows: DATA.items.length, select, isoOf };
  showAsOf();
})();
