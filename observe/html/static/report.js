// gmp's HTML report: the data is the JSON in #gmp-data (package
// observe/html writes it); this script draws it. No network, no library:
// a canvas per timeline (lanes and plots share one x axis, one zoom and
// one level-of-detail rule) and SVG for the sweep's plots (one <circle>
// per configuration, which the browser test counts).
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("gmp-data").textContent);
  const app = document.getElementById("app");
  const api = (window.gmpReport = { ready: false, timelines: [], draws: [] });

  // ---------- helpers ----------
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (const c of kids) if (c != null) e.append(c);
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function fmtDur(ns) {
    const a = Math.abs(ns);
    if (a >= 1e9) return (ns / 1e9).toPrecision(4) + "s";
    if (a >= 1e6) return (ns / 1e6).toPrecision(4) + "ms";
    if (a >= 1e3) return (ns / 1e3).toPrecision(4) + "µs";
    return Math.round(ns) + "ns";
  }
  function fmtVal(f, v) {
    if (f.time) return fmtDur(v);
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
  function undelta(a) {
    const out = new Float64Array(a ? a.length : 0);
    let t = 0;
    for (let i = 0; i < out.length; i++) out[i] = t += a[i];
    return out;
  }
  // lowerBound: the first index whose value is ≥ x.
  function lowerBound(arr, x, lo, hi) {
    lo = lo || 0;
    hi = hi === undefined ? arr.length : hi;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (arr[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  function hue(i) { return (i * 137.508) % 360; }
  function funcColor(i) { return "hsl(" + hue(i) + ",62%,52%)"; }

  // RangeMax answers min/max over index ranges of a series in blocks of
  // 256, so a plot column at low zoom costs a few hundred steps, not every
  // sample in it.
  const B = 256;
  function rangeIndex(vals) {
    const n = Math.ceil(vals.length / B), mx = new Int32Array(n), mn = new Int32Array(n);
    let top = 0;
    for (let b = 0; b < n; b++) {
      let a = -Infinity, c = Infinity;
      for (let i = b * B; i < Math.min(vals.length, (b + 1) * B); i++) {
        a = Math.max(a, vals[i]); c = Math.min(c, vals[i]);
      }
      mx[b] = a; mn[b] = c; top = Math.max(top, a);
    }
    return { vals, mx, mn, top };
  }
  function rangeMinMax(r, i, j) { // over [i, j)
    let a = -Infinity, c = Infinity;
    while (i < j && i % B) { a = Math.max(a, r.vals[i]); c = Math.min(c, r.vals[i]); i++; }
    while (i + B <= j) { const b = i / B; a = Math.max(a, r.mx[b]); c = Math.min(c, r.mn[b]); i += B; }
    while (i < j) { a = Math.max(a, r.vals[i]); c = Math.min(c, r.vals[i]); i++; }
    return [c, a];
  }

  // ---------- timeline data ----------
  function prepare(tl) {
    const lanes = [];
    const mk = (l, name, group) => {
      const t = undelta(l.t), d = Float64Array.from(l.d || []);
      // The kinds come as base64 (Go's encoding of a []uint8).
      const k = l.k ? Uint8Array.from(atob(l.k), (c) => c.charCodeAt(0)) : new Uint8Array(0);
      let runs = 0;
      for (const x of k) if (x === 0) runs++;
      return { name, group, t, d, g: l.g || [], k, n: t.length, runs };
    };
    for (const l of tl.ps) lanes.push(mk(l, "P" + l.id, "P"));
    for (const l of tl.ms) lanes.push(mk(l, "M" + l.id, "M"));
    const gfunc = new Map();
    (tl.gids || []).forEach((g, i) => gfunc.set(g, tl.gfunc[i]));
    const c = tl.counters || {};
    const ct = undelta(c.t);
    const series = (name, key, color) => ({ name, color, r: rangeIndex(Int32Array.from(c[key] || [])) });
    const plots = [
      { title: "goroutines by state", series: [series("running", "running", "#2e7d32"), series("runnable", "runnable", "#f9a825"),
        series("waiting", "waiting", "#1565c0"), series("syscall", "syscall", "#d84315")] },
      { title: "run queues", series: [series("local (all Ps)", "localq", "#6a1b9a"), series("global", "globalq", "#00838f")] },
      { title: "threads", series: [series("threads (Ms)", "threads", "#5d4037")] },
    ];
    for (const p of plots) p.top = Math.max(1, ...p.series.map((s) => s.r.top));
    const a = tl.arrows || {};
    const arrows = (a.g || []).map((g, i) => ({ g, from: a.from[i], fromp: a.fromp[i], by: a.by[i], to: a.to[i], top: a.top[i] }));
    const into = new Map(), outOf = new Map();
    for (const ar of arrows) {
      into.set(ar.g + ":" + ar.to, ar);
      if (!outOf.has(ar.by)) outOf.set(ar.by, []);
      outOf.get(ar.by).push(ar);
    }
    const sched = tl.sched || { t: [], lines: [] };
    return { tl, lanes, gfunc, ct, plots, arrows, into, outOf, sched, nP: tl.ps.length };
  }

  // ---------- one timeline view ----------
  const LABEL = 92, AXIS = 22, LANE = 18, GAP = 10, PLOT = 70, SCHED = 14;

  function Timeline(host, shared) {
    this.host = host;
    this.shared = shared; // {t0, t1, views: [...]}: the zoom every view follows
    this.canvas = el("canvas", { class: "tl" });
    host.append(this.canvas);
    this.hover = null;
    this.bindEvents();
  }
  Timeline.prototype.setData = function (d) {
    this.d = d;
    this.layout();
    this.draw();
  };
  Timeline.prototype.layout = function () {
    const d = this.d;
    let y = AXIS;
    this.rows = [];
    for (const l of d.lanes) {
      if (l.group === "M" && this.rows.length && this.rows[this.rows.length - 1].lane.group === "P") y += GAP;
      this.rows.push({ lane: l, y, h: LANE - 2 });
      y += LANE;
    }
    y += GAP;
    this.plotRows = d.plots.map((p) => { const r = { plot: p, y, h: PLOT - 14 }; y += PLOT; return r; });
    this.schedY = y;
    y += SCHED + 4;
    const dpr = window.devicePixelRatio || 1;
    this.W = Math.max(400, this.host.clientWidth || 800);
    this.H = y;
    this.canvas.width = this.W * dpr;
    this.canvas.height = this.H * dpr;
    this.canvas.style.width = this.W + "px";
    this.canvas.style.height = this.H + "px";
    this.ctx = this.canvas.getContext("2d");
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  };
  Timeline.prototype.X = function (t) { const s = this.shared; return LABEL + ((t - s.t0) * (this.W - LABEL)) / (s.t1 - s.t0); };
  Timeline.prototype.T = function (x) { const s = this.shared; return s.t0 + ((x - LABEL) * (s.t1 - s.t0)) / (this.W - LABEL); };

  Timeline.prototype.draw = function () {
    const t0p = performance.now();
    const c = this.ctx, d = this.d, s = this.shared;
    c.clearRect(0, 0, this.W, this.H);
    c.font = "11px system-ui, sans-serif";
    c.textBaseline = "middle";
    // axis
    c.fillStyle = "#f5f5f5"; c.fillRect(LABEL, 0, this.W - LABEL, AXIS - 4);
    const span = s.t1 - s.t0, step = Math.pow(10, Math.floor(Math.log10(span / 6 || 1)));
    const tick = span / step > 12 ? step * 5 : span / step > 6 ? step * 2 : step;
    c.fillStyle = "#555"; c.strokeStyle = "#e0e0e0";
    for (let t = Math.ceil(s.t0 / tick) * tick; t <= s.t1; t += tick) {
      const x = this.X(t);
      c.beginPath(); c.moveTo(x, AXIS - 4); c.lineTo(x, this.H); c.stroke();
      c.fillText(fmtDur(t), x + 2, 9);
    }
    // lanes
    for (const r of this.rows) this.drawLane(r);
    for (const r of this.plotRows) this.drawPlot(r);
    this.drawSched();
    // labels over everything on the left
    c.fillStyle = "#fff"; c.fillRect(0, 0, LABEL - 2, this.H);
    c.fillStyle = "#333";
    for (const r of this.rows) c.fillText(r.lane.name + (r.lane.group === "P" ? "" : " thread"), 4, r.y + r.h / 2);
    for (const r of this.plotRows) {
      c.fillText(r.plot.title, 4, r.y + 6);
      r.plot.series.forEach((se, i) => { c.fillStyle = se.color; c.fillText("■ " + se.name, 8, r.y + 20 + i * 11); });
      c.fillStyle = "#333";
    }
    c.fillText("schedtrace", 4, this.schedY + SCHED / 2);
    if (this.hover) this.drawHover();
    const ms = performance.now() - t0p;
    api.draws.push(ms);
    return ms;
  };

  Timeline.prototype.drawLane = function (r) {
    const c = this.ctx, l = r.lane, s = this.shared, d = this.d;
    c.fillStyle = "#f7f7f7"; c.fillRect(LABEL, r.y, this.W - LABEL, r.h);
    if (!l.n) return;
    let i = Math.max(0, lowerBound(l.t, s.t0) - 1);
    let lastCol = -1;
    const pxT = (s.t1 - s.t0) / (this.W - LABEL);
    while (i < l.n && l.t[i] < s.t1) {
      const st = l.t[i], en = st + l.d[i];
      if (en < s.t0) { i++; continue; }
      const x0 = this.X(st), x1 = this.X(en);
      c.fillStyle = this.color(l, i);
      if (x1 - x0 < 1) {
        // Sub-pixel: one column per pixel, then jump to the next pixel's
        // first slice (level of detail for millions of slices).
        const col = Math.floor(x0);
        if (col > lastCol) { c.fillRect(col, r.y, 1, r.h); lastCol = col; }
        const next = lowerBound(l.t, s.t0 + (col + 1 - LABEL) * pxT, i + 1);
        i = next > i ? next : i + 1;
        continue;
      }
      const kind = l.k[i];
      const y = kind === 1 && l.group === "P" ? r.y + r.h / 2 : r.y;
      const h = kind === 1 && l.group === "P" ? r.h / 2 : r.h;
      c.fillRect(Math.max(x0, LABEL), y, Math.min(x1, this.W) - Math.max(x0, LABEL), h);
      if (x1 - x0 > 40 && kind !== 2) {
        c.fillStyle = "#fff";
        const name = "G" + l.g[i] + " " + this.funcName(l.g[i]);
        c.save(); c.beginPath(); c.rect(Math.max(x0, LABEL), r.y, Math.min(x1, this.W) - Math.max(x0, LABEL), r.h); c.clip();
        c.fillText(name, Math.max(x0, LABEL) + 3, r.y + r.h / 2); c.restore();
      }
      lastCol = Math.floor(x1);
      i++;
    }
  };
  Timeline.prototype.color = function (l, i) {
    const k = l.k[i];
    if (k === 2) return "#cfd8dc";
    if (k === 1) return l.group === "M" ? "#e65100" : "#ffab91";
    const f = this.d.gfunc.get(l.g[i]);
    return f === undefined ? "#9e9e9e" : funcColor(f);
  };
  Timeline.prototype.funcName = function (g) {
    const f = this.d.gfunc.get(g);
    return f === undefined ? "" : this.d.tl.funcs[f];
  };

  Timeline.prototype.drawPlot = function (r) {
    const c = this.ctx, d = this.d, s = this.shared, p = r.plot;
    c.fillStyle = "#fcfcfc"; c.fillRect(LABEL, r.y, this.W - LABEL, r.h);
    c.fillStyle = "#888"; c.fillText(String(p.top), this.W - 30, r.y + 6);
    const ct = d.ct, n = ct.length;
    if (!n) return;
    const Y = (v) => r.y + r.h - (v / p.top) * (r.h - 2);
    for (const se of p.series) {
      c.strokeStyle = se.color; c.fillStyle = se.color; c.beginPath();
      let prevY = null;
      for (let x = LABEL; x < this.W; x++) {
        const ta = this.T(x), tb = this.T(x + 1);
        const i = lowerBound(ct, ta), j = lowerBound(ct, tb);
        const before = i > 0 ? se.r.vals[i - 1] : 0;
        let lo = before, hi = before;
        if (j > i) { const [a, b] = rangeMinMax(se.r, i, j); lo = Math.min(lo, a); hi = Math.max(hi, b); }
        if (ta > ct[n - 1] && ta > d.tl.end) break;
        const ylo = Y(lo), yhi = Y(hi);
        if (prevY === null) c.moveTo(x, ylo);
        c.lineTo(x, ylo); c.lineTo(x, yhi);
        prevY = yhi;
        const last = j > 0 ? se.r.vals[j - 1] : 0;
        c.lineTo(x + 1, Y(last));
      }
      c.stroke();
    }
  };

  Timeline.prototype.drawSched = function () {
    const c = this.ctx, sc = this.d.sched, s = this.shared;
    c.fillStyle = "#f7f7f7"; c.fillRect(LABEL, this.schedY, this.W - LABEL, SCHED);
    c.fillStyle = "#37474f";
    let last = -1;
    for (let i = lowerBound(sc.t, s.t0); i < sc.t.length && sc.t[i] <= s.t1; i++) {
      const x = Math.floor(this.X(sc.t[i]));
      if (x !== last) c.fillRect(x, this.schedY + 2, 2, SCHED - 4);
      last = x;
    }
  };

  // hit finds what is under (x, y): a slice, a plot column or a
  // schedtrace mark.
  Timeline.prototype.hit = function (x, y) {
    if (x < LABEL) return null;
    const t = this.T(x), tol = this.T(x + 3) - t;
    for (const r of this.rows) {
      if (y < r.y || y > r.y + r.h) continue;
      const l = r.lane;
      let i = Math.max(0, lowerBound(l.t, t - tol) - 1);
      for (; i < l.n && l.t[i] <= t + tol; i++) if (l.t[i] + l.d[i] >= t - tol) return { lane: l, row: r, i };
      return null;
    }
    for (const r of this.plotRows) {
      if (y < r.y || y > r.y + r.h) continue;
      const i = lowerBound(this.d.ct, t + 1) - 1;
      return { plot: r.plot, i, t };
    }
    if (y >= this.schedY && y <= this.schedY + SCHED) {
      const sc = this.d.sched, i = lowerBound(sc.t, t - tol);
      if (i < sc.t.length && sc.t[i] <= t + tol) return { sched: i };
    }
    return null;
  };
  Timeline.prototype.rowOfP = function (p) {
    return this.rows.find((r) => r.lane.group === "P" && r.lane.name === "P" + p);
  };
  Timeline.prototype.drawHover = function () {
    const h = this.hover;
    if (!h || !h.lane) return;
    const c = this.ctx, l = h.lane, i = h.i;
    const x0 = this.X(l.t[i]), x1 = this.X(l.t[i] + l.d[i]);
    c.strokeStyle = "#000"; c.lineWidth = 2;
    c.strokeRect(x0, h.row.y - 1, Math.max(2, x1 - x0), h.row.h + 2);
    c.lineWidth = 1;
    if (l.k[i] !== 0 || l.group !== "P") return;
    const g = l.g[i], arrows = [];
    const inc = this.d.into.get(g + ":" + l.t[i]);
    if (inc) arrows.push(inc);
    for (const a of this.d.outOf.get(g) || []) if (a.from >= l.t[i] && a.from <= l.t[i] + l.d[i]) arrows.push(a);
    h.arrows = arrows.length;
    for (const a of arrows) {
      const rf = this.rowOfP(a.fromp), rt = this.rowOfP(a.top);
      if (!rt) continue;
      const xa = this.X(a.from), ya = rf ? rf.y + rf.h / 2 : AXIS - 2;
      const xb = this.X(a.to), yb = rt.y + rt.h / 2;
      c.strokeStyle = "#d50000"; c.fillStyle = "#d50000"; c.lineWidth = 1.5;
      c.beginPath(); c.moveTo(xa, ya); c.bezierCurveTo(xa + 20, ya, xb - 20, yb, xb, yb); c.stroke();
      c.beginPath(); c.moveTo(xb, yb); c.lineTo(xb - 6, yb - 4); c.lineTo(xb - 6, yb + 4); c.fill();
      c.lineWidth = 1;
    }
  };
  Timeline.prototype.tipText = function (h) {
    if (h.lane) {
      const l = h.lane, i = h.i, k = l.k[i];
      const what = k === 2 ? "spinning" : k === 1 ? "in a system call" : "running";
      let s = (k === 2 ? l.name + " spinning" : "G" + l.g[i] + " " + this.funcName(l.g[i])) + "\n" + l.name + " · " + what +
        "\nstart " + fmtDur(l.t[i]) + "   duration " + fmtDur(l.d[i]);
      const inc = k === 0 && l.group === "P" ? this.d.into.get(l.g[i] + ":" + l.t[i]) : null;
      if (inc) s += "\nwoken by " + (inc.by ? "G" + inc.by : "the scheduler") + " at " + fmtDur(inc.from) + " (waited " + fmtDur(inc.to - inc.from) + ")";
      return s;
    }
    if (h.plot) {
      return fmtDur(h.t) + "\n" + h.plot.series.map((se) => se.name + ": " + (h.i >= 0 ? se.r.vals[h.i] : 0)).join("\n");
    }
    if (h.sched !== undefined) return this.d.sched.lines[h.sched];
    return "";
  };

  Timeline.prototype.bindEvents = function () {
    const cv = this.canvas, tip = document.getElementById("tip");
    let drag = null;
    cv.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = cv.getBoundingClientRect();
      zoomAt(this.T(e.clientX - r.left), e.deltaY < 0 ? 1 / 1.25 : 1.25);
    }, { passive: false });
    cv.addEventListener("mousedown", (e) => { drag = { x: e.clientX, t0: this.shared.t0, t1: this.shared.t1 }; cv.classList.add("dragging"); });
    window.addEventListener("mouseup", () => { drag = null; cv.classList.remove("dragging"); });
    cv.addEventListener("mousemove", (e) => {
      const r = cv.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
      if (drag) {
        const dt = ((e.clientX - drag.x) * (drag.t1 - drag.t0)) / (this.W - LABEL);
        setView(drag.t0 - dt, drag.t1 - dt);
        return;
      }
      this.hover = this.hit(x, y);
      if (this.hover) {
        tip.textContent = this.tipText(this.hover);
        tip.style.display = "block";
        tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 260) + "px";
        tip.style.top = e.clientY + 14 + "px";
      } else tip.style.display = "none";
      this.draw();
    });
    cv.addEventListener("mouseleave", () => { this.hover = null; tip.style.display = "none"; this.draw(); });
    cv.addEventListener("dblclick", (e) => { const r = cv.getBoundingClientRect(); zoomAt(this.T(e.clientX - r.left), 0.5); });
  };

  // ---------- the shared view ----------
  const shared = { t0: 0, t1: 1, end: 1, views: [] };
  function setView(t0, t1) {
    const span = Math.max(t1 - t0, 10);
    const pad = shared.end * 0.02;
    if (span >= shared.end + 2 * pad) { t0 = -pad; t1 = shared.end + pad; }
    else {
      if (t0 < -pad) { t0 = -pad; t1 = t0 + span; }
      if (t1 > shared.end + pad) { t1 = shared.end + pad; t0 = t1 - span; }
    }
    shared.t0 = t0; shared.t1 = t0 + Math.max(t1 - t0, 10);
    const rg = document.getElementById("range");
    if (rg) {
      rg.textContent = fmtDur(Math.max(0, shared.t0)) + " – " + fmtDur(shared.t1) + "  (" + fmtDur(shared.t1 - shared.t0) + " shown)";
      rg.dataset.t0 = shared.t0; rg.dataset.t1 = shared.t1;
    }
    for (const v of shared.views) if (v.d) v.draw();
  }
  function zoomAt(t, f) { setView(t - (t - shared.t0) * f, t + (shared.t1 - t) * f); }
  function reset() { setView(-Infinity, Infinity); }
  api.setView = setView;
  api.view = () => ({ t0: shared.t0, t1: shared.t1 });
  api.zoomAt = zoomAt;

  // ---------- page ----------
  app.append(el("div", { id: "tip" }));
  if (data.sweep) renderSweep(data.sweep);
  const tls = data.timelines.map(prepare);
  api.timelines = tls.map((d) => ({ label: d.tl.label, config: d.tl.config, lanes: d.lanes.map((l) => ({ name: l.name, slices: l.n, runs: l.runs })) }));
  if (tls.length) renderTimelines(tls);
  else if (!data.sweep) app.append(el("p", { class: "note", text: "No simulation was recorded." }));
  api.loadMs = performance.now(); // since navigation start: parse, decode, first draw
  api.ready = true;
  document.body.dataset.ready = "1";

  function tlName(d) { return (d.tl.config ? d.tl.config + " · " : "") + d.tl.label; }

  function renderTimelines(tls) {
    app.append(el("h2", { text: "Timeline" }));
    const selA = el("select", { id: "tl-a" }), selB = el("select", { id: "tl-b" });
    selB.append(el("option", { value: "-1", text: "(none)" }));
    tls.forEach((d, i) => { selA.append(el("option", { value: i, text: tlName(d) })); selB.append(el("option", { value: i, text: tlName(d) })); });
    const bar = el("div", { class: "toolbar" },
      el("button", { id: "zoom-in", text: "zoom in" }), el("button", { id: "zoom-out", text: "zoom out" }),
      el("button", { id: "zoom-reset", text: "whole run" }), el("span", { id: "range" }));
    if (tls.length > 1) bar.prepend(el("label", { text: "show " }, selA), el("label", { text: " beside " }, selB));
    app.append(bar);
    app.append(el("p", { class: "note", text: "Wheel or double-click to zoom, drag to pan; hover a goroutine on a P lane for its unblock arrows (red: who woke it, whom it woke)." }));
    const hostA = el("div", { class: "tlwrap", id: "tl-host-a" }), titleB = el("h2", { id: "tl-b-title" }), hostB = el("div", { class: "tlwrap", id: "tl-host-b" });
    app.append(hostA, titleB, hostB);
    const va = new Timeline(hostA, shared), vb = new Timeline(hostB, shared);
    shared.views = [va, vb];
    const legend = el("div", { class: "legend", id: "legend" });
    const lanesInfo = el("details", {}, el("summary", { text: "lanes" }));
    const schedBox = el("pre", { id: "sched" });
    app.append(el("h2", { text: "Goroutine functions" }), legend, lanesInfo, el("h2", { text: "schedtrace" }), schedBox);
    function show() {
      const a = tls[+selA.value], bi = +selB.value, b = bi >= 0 ? tls[bi] : null;
      shared.end = Math.max(a.tl.end, b ? b.tl.end : 0, 1);
      va.setData(a);
      hostB.style.display = b ? "" : "none";
      titleB.textContent = b ? tlName(b) : "";
      vb.d = null;
      if (b) vb.setData(b);
      legend.replaceChildren(...a.tl.funcs.map((f, i) => el("span", {}, el("span", { class: "sw", style: "background:" + funcColor(i) }), f)),
        el("span", {}, el("span", { class: "sw", style: "background:#e65100" }), "system call"),
        el("span", {}, el("span", { class: "sw", style: "background:#cfd8dc" }), "spinning"));
      lanesInfo.replaceChildren(el("summary", { text: "lanes of " + tlName(a) }),
        ...a.lanes.map((l) => el("div", { class: "lane", "data-lane": l.name, "data-slices": l.n, "data-runs": l.runs, text: l.name + ": " + l.n + " slices (" + l.runs + " running)" })));
      if (a.sched.lines.length) {
        schedBox.replaceChildren(...a.sched.lines.map((line, i) => {
          const div = el("div", { text: line });
          div.addEventListener("click", () => { const t = a.sched.t[i], sp = shared.t1 - shared.t0; setView(t - sp / 2, t + sp / 2); });
          return div;
        }));
      } else schedBox.replaceChildren(el("span", { class: "note", text: "No schedtrace lines: run with --schedtrace DUR to see them here, at their times." }));
      api.current = +selA.value;
      reset();
    }
    selA.addEventListener("change", show);
    selB.addEventListener("change", show);
    document.getElementById("zoom-in").addEventListener("click", () => zoomAt((shared.t0 + shared.t1) / 2, 0.5));
    document.getElementById("zoom-out").addEventListener("click", () => zoomAt((shared.t0 + shared.t1) / 2, 2));
    document.getElementById("zoom-reset").addEventListener("click", reset);
    window.addEventListener("resize", () => { for (const v of shared.views) if (v.d) { v.layout(); v.draw(); } });
    if (tls.length > 1) selB.value = "1";
    show();
  }

  // ---------- sweep ----------
  function renderSweep(sw) {
    app.append(el("h2", { text: "Sweep: " + sw.configs.length + " configurations" }));
    const table = el("table", { class: "figs", id: "sweep-table" });
    const head = el("tr");
    for (const k of sw.knobs) head.append(el("th", { text: k }));
    for (const h of ["run", "seeds", "result"]) head.append(el("th", { text: h }));
    for (const f of sw.figures) head.append(el("th", { text: f.head }));
    table.append(head);
    for (const r of sw.rows) {
      const tr = el("tr");
      for (const v of sw.configs[r.config].values) tr.append(el("td", { class: "l", text: v }));
      tr.append(el("td", { class: "l", text: r.run }), el("td", { text: r.seeds }), el("td", { class: "l", text: r.status }));
      for (const f of sw.figures) {
        const v = r.values[f.key];
        const td = el("td");
        if (!v) td.textContent = "-";
        else {
          td.append(fmtVal(f, v.median));
          if (v.min !== v.max) td.append(el("div", { class: "spread", text: fmtVal(f, v.min) + "–" + fmtVal(f, v.max) }));
        }
        tr.append(td);
      }
      table.append(tr);
    }
    app.append(el("div", { style: "overflow-x:auto" }, table));
    app.append(el("p", { class: "note", text: "Each cell: the median over the seeds, and the range when they differ. Plots: a point per configuration at the median, the bar spans the seeds." }));
    // Plots: figures that differ between configurations first, so the
    // difference is seen at a glance.
    const runs = [...new Set(sw.rows.map((r) => r.run))];
    const varies = (f) => { const v = sw.rows.map((r) => (r.values[f.key] || {}).median); return new Set(v).size > 1; };
    const figs = sw.figures.filter((f) => sw.rows.some((r) => r.values[f.key] && r.values[f.key].max !== 0));
    figs.sort((a, b) => varies(b) - varies(a));
    const box = el("div", { class: "plots", id: "sweep-plots" });
    for (const f of figs) box.append(sweepPlot(sw, f, runs));
    app.append(el("h2", { text: "Each figure against the configurations" }), box);
  }
  function sweepPlot(sw, f, runs) {
    const W = 300, H = 190, L = 52, R = 10, T = 20, Bm = 46;
    const s = svg("svg", { class: "plot", width: W, height: H, "data-figure": f.key });
    const t = svg("text", { x: L, y: 13, class: "title" }); t.textContent = f.head; s.append(t);
    let top = 0;
    for (const r of sw.rows) if (r.values[f.key]) top = Math.max(top, r.values[f.key].max);
    top = top || 1;
    const n = sw.configs.length, xw = (W - L - R) / n;
    const X = (i, k) => L + xw * (i + 0.5) + (runs.length > 1 ? (k - (runs.length - 1) / 2) * Math.min(8, xw / (runs.length + 1)) : 0);
    const Y = (v) => T + (H - T - Bm) * (1 - v / top);
    s.append(svg("line", { x1: L, y1: Y(0), x2: W - R, y2: Y(0), class: "axis" }), svg("line", { x1: L, y1: T, x2: L, y2: Y(0), class: "axis" }));
    for (const v of [0, top / 2, top]) { const tx = svg("text", { x: L - 4, y: Y(v) + 3, "text-anchor": "end" }); tx.textContent = fmtVal(f, v); s.append(tx); }
    sw.configs.forEach((c, i) => {
      const tx = svg("text", { x: L + xw * (i + 0.5), y: H - Bm + 12, "text-anchor": "middle" });
      tx.textContent = c.values.join(" ") || c.label;
      if (n > 6) { tx.setAttribute("transform", "rotate(-35 " + (L + xw * (i + 0.5)) + " " + (H - Bm + 12) + ")"); tx.setAttribute("text-anchor", "end"); }
      s.append(tx);
    });
    runs.forEach((run, k) => {
      const color = runs.length > 1 ? funcColor(k) : "#1565c0";
      const pts = sw.rows.filter((r) => r.run === run && r.values[f.key]);
      if (pts.length > 1) {
        s.append(svg("polyline", { points: pts.map((r) => X(r.config, k) + "," + Y(r.values[f.key].median)).join(" "), fill: "none", stroke: color, "stroke-opacity": 0.5 }));
      }
      for (const r of pts) {
        const v = r.values[f.key], x = X(r.config, k);
        s.append(svg("line", { x1: x, x2: x, y1: Y(v.min), y2: Y(v.max), stroke: color, class: "bar" }));
        const c = svg("circle", { cx: x, cy: Y(v.median), r: 3.5, fill: color, class: "pt", "data-config": r.config, "data-run": run });
        const tt = svg("title", {}); tt.textContent = sw.configs[r.config].label + " · " + run + ": " + fmtVal(f, v.median) + (v.min !== v.max ? " (" + fmtVal(f, v.min) + "–" + fmtVal(f, v.max) + ")" : "");
        c.append(tt); s.append(c);
      }
      if (runs.length > 1) { const tx = svg("text", { x: W - R, y: 13 + 11 * k, "text-anchor": "end", fill: color }); tx.textContent = run; s.append(tx); }
    });
    return s;
  }
})();
