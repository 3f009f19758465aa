/* icpmap diagram page: search, filter, focus, PNG export, physics that stops.
 * Data reaches the page only as JSON (parsed, never evaluated) and the DOM only through
 * textContent / value: no innerHTML, so nothing in the data can become markup or code. */
(function () {
  "use strict";
  var state = (window.icpmap = { ready: false, stabilisedAt: null, errors: [], network: null, timing: {} });
  state.timing.script = performance.now();
  window.addEventListener("error", function (e) { state.errors.push(String(e.message || e)); });

  var data = JSON.parse(document.getElementById("icpmap-data").textContent);
  state.counts = { nodes: data.nodes.length, edges: data.edges.length };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  /* A tooltip as a DOM element: vis-network shows an Element as is (a string would do too in 9.x,
   * but an Element built with textContent cannot be read as HTML by any version). */
  function tip(name, info) {
    var box = el("div", null, "tip");
    box.appendChild(el("strong", name));
    var dl = el("dl");
    (info || []).forEach(function (kv) {
      dl.appendChild(el("dt", kv[0]));
      dl.appendChild(el("dd", kv[1]));
    });
    box.appendChild(dl);
    return box;
  }

  var nodeList = data.nodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.title = tip(n.name, n.info);
    return copy;
  });
  var edgeList = data.edges.map(function (e) {
    var copy = Object.assign({}, e);
    copy.title = tip(e.label ? e.label : (e.info && e.info.length ? e.info[0][1] : ""), e.info);
    return copy;
  });
  var nodes = new vis.DataSet(nodeList);
  var edges = new vis.DataSet(edgeList);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  var container = document.getElementById("network");
  var progress = document.getElementById("progress");
  var options = data.options;
  state.timing.data = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  state.timing.network = performance.now();
  state.network = network;
  state.nodes = nodes;
  state.edges = edges;

  /* Physics: stabilise (bounded iterations), then switch physics off so the picture stays still. */
  network.on("stabilizationProgress", function (p) {
    state.iterations = p.iterations;
    progress.textContent = "Laying out… " + Math.round((100 * p.iterations) / Math.max(1, p.total)) + "%";
  });
  network.on("stabilized", function (p) { state.stabilizedIterations = p.iterations; });
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    if (state.stabilisedAt === null) state.stabilisedAt = performance.now();
    state.ready = true;
    document.documentElement.setAttribute("data-state", "ready");
    progress.textContent = "";
  });
  if (!options.physics || options.physics.enabled === false) {
    network.once("afterDrawing", function () {
      state.stabilisedAt = performance.now();
      state.ready = true;
      document.documentElement.setAttribute("data-state", "ready");
      progress.textContent = "";
    });
  }

  /* Focus: a node and its direct neighbours stay, the rest fade. */
  var details = document.getElementById("details");
  var faded = false;
  function showDetails(id) {
    while (details.firstChild) details.removeChild(details.firstChild);
    details.appendChild(el("h2", "Details"));
    if (!id || !byId[id]) {
      details.appendChild(el("p", "Click a node to see its partners; hover for details.", "hint"));
      return;
    }
    var n = byId[id];
    details.appendChild(tip(n.name, n.info));
    var neighbours = network.getConnectedNodes(id).map(function (x) { return byId[x]; })
      .filter(function (m) { return m && !nodes.get(m.id).hidden; });
    neighbours.sort(function (a, b) { return a.name.localeCompare(b.name); });
    details.appendChild(el("h3", "Linked (" + neighbours.length + ")"));
    var ul = el("ul", null, "partners");
    neighbours.forEach(function (m) {
      var li = el("li");
      var b = el("button", m.name);
      b.type = "button";
      b.addEventListener("click", function () { focusNode(m.id); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    details.appendChild(ul);
  }
  function focusNode(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (x) { keep[x] = true; });
    var keepEdges = {};
    network.getConnectedEdges(id).forEach(function (x) { keepEdges[x] = true; });
    oneRedraw(function () {
      nodes.update(data.nodes.map(function (n) {
        return { id: n.id, opacity: keep[n.id] ? 1 : 0.12, font: { color: keep[n.id] ? "#212B32" : "rgba(33,43,50,0.15)" } };
      }));
      edges.update(data.edges.map(function (e) {
        var c = e.color.color;
        return { id: e.id, color: { color: c, highlight: c, hover: c, inherit: false, opacity: keepEdges[e.id] ? 1 : 0.08 } };
      }));
    });
    faded = true;
    network.selectNodes([id]);
    network.fit({ nodes: Object.keys(keep), animation: { duration: 300 } });
    showDetails(id);
  }
  function clearFocus() {
    if (faded) {
      oneRedraw(function () {
        nodes.update(data.nodes.map(function (n) { return { id: n.id, opacity: 1, font: { color: "#212B32" } }; }));
        edges.update(data.edges.map(function (e) { return { id: e.id, color: e.color }; }));
      });
      faded = false;
      if (time) {  // every node and edge has its own look again: put compare mode's back
        Object.keys(nodeShape).forEach(function (id) { nodeLookNow[id] = SAME; if (nodeShape[id] !== "h") nodeShape[id] = ""; });
        Object.keys(edgeShape).forEach(function (id) { edgeLookNow[id] = SAME; if (edgeShape[id] !== "h") edgeShape[id] = ""; });
        if (base !== null) applyFilters();
      }
    }
    network.unselectAll();
    showDetails(null);
  }
  network.on("click", function (p) {
    if (p.nodes && p.nodes.length) focusNode(p.nodes[0]);
    else if (!p.edges || !p.edges.length) clearFocus();
  });
  document.getElementById("clear-focus").addEventListener("click", function () { clearFocus(); network.fit(); });
  state.focusNode = focusNode;
  state.clearFocus = clearFocus;

  /* Search by name or code. */
  var datalist = document.getElementById("names");
  var seen = {};
  data.nodes.forEach(function (n) {
    if (seen[n.name]) return;
    seen[n.name] = true;
    var o = document.createElement("option");
    o.value = n.name;
    datalist.appendChild(o);
  });
  var searchStatus = document.getElementById("search-status");
  /* A name or code that equals the text wins; else every node whose name or code holds all its words. */
  function search(text) {
    var q = String(text || "").trim().toLowerCase();
    if (!q) { searchStatus.textContent = ""; clearFocus(); return []; }
    var words = q.split(/\s+/);
    var exact = [], partial = [];
    data.nodes.forEach(function (n) {
      if (nodes.get(n.id).hidden) return;
      var name = String(n.name).toLowerCase(), code = String(n.code).toLowerCase();
      if (name === q || code === q) { exact.push(n.id); return; }
      var hay = name + " " + code;
      if (words.every(function (w) { return hay.indexOf(w) >= 0; })) partial.push(n.id);
    });
    var hits = exact.length ? exact : partial;
    searchStatus.textContent = hits.length === 1 ? "1 match" : hits.length + " matches";
    if (hits.length === 1) focusNode(hits[0]);
    else if (hits.length) {
      clearFocus();
      network.selectNodes(hits);
      network.fit({ nodes: hits, animation: { duration: 300 } });
    }
    return hits;
  }
  document.getElementById("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    search(document.getElementById("search").value);
  });
  state.search = search;

  /* What is drawn: the type and sector filters, and time. With a time slider, each node and link
   * carries `when` (the days it is drawn on, ISO date pairs, null = open); the slider's date `now`
   * shows those present that day. In compare mode, what is there now but not on the `base` date is
   * drawn as added (green), what was there then but not now as removed (grey, dashed). */
  var time = data.time || null;
  var now = time ? time.as_at : null, base = null;
  var ABSENT = 0, SAME = 1, ADDED = 2, REMOVED = 3, UNCHANGED = 4;  // UNCHANGED: in both, in compare mode
  function onDay(when, day) {
    if (!when) return true;
    for (var i = 0; i < when.length; i++) {
      var a = when[i][0], b = when[i][1];
      if ((a === null || a <= day) && (b === null || b >= day)) return true;
    }
    return false;
  }
  function presence(item) {
    if (!time || !item.when) return SAME;
    var isNow = onDay(item.when, now);
    if (base === null) return isNow ? SAME : ABSENT;
    var wasThen = onDay(item.when, base);
    return isNow ? (wasThen ? UNCHANGED : ADDED) : (wasThen ? REMOVED : ABSENT);
  }
  function presenceOf(item) {  // in compare mode what has not changed is faded, undated things too
    var p = presence(item);
    return p === SAME && base !== null ? UNCHANGED : p;
  }
  // What vis-network was last told, so that only changes are sent: shown or hidden with which
  // presence, and the look (colours) it has, which only compare mode changes.
  var nodeShape = {}, edgeShape = {}, nodeLookNow = {}, edgeLookNow = {};
  data.nodes.forEach(function (n) { nodeShape[n.id] = n.hidden ? "h" : "v" + SAME; nodeLookNow[n.id] = SAME; });
  data.edges.forEach(function (e) { edgeShape[e.id] = e.hidden ? "h" : "v" + SAME; edgeLookNow[e.id] = SAME; });
  function nodeLook(n, p) {
    if (p === ADDED) return { color: { background: n.color.background, border: time.added,
      highlight: n.color.highlight, hover: n.color.hover }, borderWidth: 4, opacity: 1,
      shapeProperties: { borderDashes: false } };
    if (p === REMOVED) return { color: { background: "#E8EDEE", border: time.removed,
      highlight: { background: "#E8EDEE", border: "#212B32" }, hover: { background: "#E8EDEE", border: "#212B32" } },
      borderWidth: 2, opacity: 1, shapeProperties: { borderDashes: [4, 3] } };
    return { color: n.color, borderWidth: n.borderWidth || 1.5, opacity: p === UNCHANGED ? 0.35 : 1,
      shapeProperties: n.shapeProperties || { borderDashes: false } };
  }
  function edgeLook(e, p) {
    if (p === ADDED) return { color: { color: time.added, highlight: time.added, hover: time.added, inherit: false },
      width: Math.max(3, e.width + 1.5), dashes: e.dashes };
    if (p === REMOVED) return { color: { color: time.removed, highlight: time.removed, hover: time.removed,
      inherit: false }, width: e.width, dashes: [4, 4] };
    if (p === UNCHANGED) {
      var c = e.color.color;
      return { color: { color: c, highlight: c, hover: c, inherit: false, opacity: 0.25 }, width: e.width, dashes: e.dashes };
    }
    return { color: e.color, width: e.width, dashes: e.dashes };
  }
  /* vis-network answers each data set update by walking every node and edge and, with physics off,
   * redrawing the canvas at once: two updates (nodes, then edges) would draw twice. Hold back its
   * "data changed" signal while both are applied, then send it once: one pass, one redraw. */
  function oneRedraw(apply) {
    var emitter = network.body.emitter, emit = emitter.emit, held = false;
    emitter.emit = function (name) {
      if (name === "_dataChanged" || name === "_dataUpdated") { held = true; return emitter; }
      return emit.apply(emitter, arguments);
    };
    try { apply(); } finally { delete emitter.emit; if (emitter.emit !== emit) emitter.emit = emit; }
    if (held) emitter.emit("_dataChanged");
  }
  var off = { kinds: {}, sectors: {} };
  function applyFilters() {
    var nodeUpdates = [], edgeUpdates = [], hidden = {}, count = 0, looks = {}, counts = { added: 0, removed: 0 };
    data.nodes.forEach(function (n) {
      var p = presenceOf(n);
      var h = p === ABSENT || !!(off.kinds[n.kind] || (n.kind === "Organisation" && off.sectors[n.sector]));
      if (h) { hidden[n.id] = true; count++; }
      else if (p === ADDED) counts.added++;
      else if (p === REMOVED) counts.removed++;
      var shape = h ? "h" : "v" + p;
      if (nodeShape[n.id] === shape) return;
      var u = { id: n.id, hidden: h };
      if (!h && nodeLookNow[n.id] !== p) { Object.assign(u, nodeLook(n, p)); nodeLookNow[n.id] = p; }
      nodeUpdates.push(u);
      nodeShape[n.id] = shape;
    });
    var pairs = {};  // a link added between two nodes hides one removed between them (a status changed)
    data.edges.forEach(function (e) { looks[e.id] = presenceOf(e); if (looks[e.id] === ADDED) pairs[e.from + "|" + e.to] = true; });
    data.edges.forEach(function (e) {
      var p = looks[e.id];
      var h = p === ABSENT || !!(hidden[e.from] || hidden[e.to]) || (p === REMOVED && !!pairs[e.from + "|" + e.to]);
      var shape = h ? "h" : "v" + p;
      if (edgeShape[e.id] === shape) return;
      var u = { id: e.id, hidden: h };
      if (!h && edgeLookNow[e.id] !== p) { Object.assign(u, edgeLook(e, p)); edgeLookNow[e.id] = p; }
      edgeUpdates.push(u);
      edgeShape[e.id] = shape;
    });
    oneRedraw(function () {
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
    });
    state.visibleNodes = data.nodes.length - count;
    state.compareCounts = counts;
    return state.visibleNodes;
  }
  function checkbox(parent, group, key, text, count, colour) {
    var label = el("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = key;
    box.setAttribute("data-group", group);
    box.addEventListener("change", function () {
      if (box.checked) delete off[group][key]; else off[group][key] = true;
      applyFilters();
    });
    label.appendChild(box);
    if (colour) {
      var sw = el("span", null, "swatch");
      sw.style.background = colour;
      label.appendChild(sw);
    }
    label.appendChild(document.createTextNode(text + " (" + count + ")"));
    parent.appendChild(label);
  }
  var kindBox = document.getElementById("filter-kinds");
  data.filters.kinds.forEach(function (k) { checkbox(kindBox, "kinds", k[0], k[1], k[2], null); });
  var sectorBox = document.getElementById("filter-sectors");
  data.filters.sectors.forEach(function (s) { checkbox(sectorBox, "sectors", s[0], s[1], s[3], s[2]); });
  if (!data.filters.sectors.length) sectorBox.style.display = "none";
  function setFilters(kinds, sectors) {
    off.kinds = {};
    off.sectors = {};
    (kinds || []).forEach(function (k) { off.kinds[k] = true; });
    (sectors || []).forEach(function (s) { off.sectors[s] = true; });
    Array.prototype.forEach.call(document.querySelectorAll("#filter-box input[type=checkbox]"), function (b) {
      b.checked = !off[b.getAttribute("data-group")][b.value];
    });
    return applyFilters();
  }
  document.getElementById("filter-all").addEventListener("click", function () { setFilters([], []); });
  state.filter = setFilters;

  /* The time slider: the partnership as it was on each date where something changed, and compare mode. */
  if (time) {
    var slider = document.getElementById("time-slider");
    var shown = document.getElementById("time-date");
    var compareOn = document.getElementById("compare-on");
    var compareDate = document.getElementById("compare-date");
    var timeStatus = document.getElementById("time-status");
    time.stops.forEach(function (d) {
      var o = document.createElement("option");
      o.value = d;
      o.textContent = d;
      compareDate.appendChild(o);
    });
    compareDate.value = time.stops[0];
    function describe() {
      shown.textContent = now;
      slider.setAttribute("aria-valuetext", now);
      if (base === null) { timeStatus.textContent = ""; return; }
      var c = state.compareCounts || { added: 0, removed: 0 };
      timeStatus.textContent = "since " + base + ": " + c.added + " added, " + c.removed + " removed";
    }
    function redrawTime() {
      if (faded) clearFocus();
      var t0 = performance.now();
      applyFilters();
      state.timing.lastTimeUpdate = performance.now() - t0;
      describe();
    }
    function setIndex(i) {
      i = Math.max(0, Math.min(time.stops.length - 1, i | 0));
      slider.value = String(i);
      now = time.stops[i];
      redrawTime();
      return now;
    }
    function setCompare(day) {
      base = day || null;
      compareOn.checked = base !== null;
      if (base !== null) compareDate.value = base;
      redrawTime();
      return base;
    }
    slider.addEventListener("input", function () { setIndex(Number(slider.value)); });
    document.getElementById("time-prev").addEventListener("click", function () { setIndex(Number(slider.value) - 1); });
    document.getElementById("time-next").addEventListener("click", function () { setIndex(Number(slider.value) + 1); });
    compareOn.addEventListener("change", function () { setCompare(compareOn.checked ? compareDate.value : null); });
    compareDate.addEventListener("change", function () { if (compareOn.checked) setCompare(compareDate.value); });
    state.time = {
      stops: time.stops,
      setIndex: setIndex,
      setDate: function (day) { var i = time.stops.indexOf(day); if (i < 0) throw new Error("not a stop: " + day); return setIndex(i); },
      compare: setCompare,
      date: function () { return now; },
      base: function () { return base; },
      presence: function (id, isEdge) {
        var item = isEdge ? edges.get(id) : nodes.get(id);
        if (!item || item.hidden) return "absent";
        var p = presenceOf(item);
        return p === ADDED ? "added" : p === REMOVED ? "removed" : p === UNCHANGED ? "unchanged" : "present";
      },
    };
    describe();
  }
  /* Find a link by its ends and kind (tests and the time slider's checks). */
  state.edgeId = function (from, to, kind) {
    var hit = data.edges.filter(function (e) { return e.from === from && e.to === to && (!kind || e.kind === kind); });
    return hit.length ? hit[0].id : null;
  };

  /* Re-run the layout on demand, then stop again. */
  document.getElementById("relayout").addEventListener("click", function () {
    progress.textContent = "Laying out…";
    network.setOptions({ physics: { enabled: true } });
    network.stabilize((options.physics && options.physics.stabilization && options.physics.stabilization.iterations) || 200);
  });

  /* Save the current view as PNG: white background, the heading drawn as text. */
  function pngCanvas() {
    var src = container.querySelector("canvas");
    var ratio = window.devicePixelRatio || 1;
    var pad = Math.round(36 * ratio);
    var out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height + pad;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#212b32";
    ctx.font = "bold " + Math.round(16 * ratio) + "px Arial, Helvetica, sans-serif";
    ctx.fillText(data.title, Math.round(10 * ratio), Math.round(24 * ratio));
    ctx.drawImage(src, 0, pad);
    return out;
  }
  function savePng() {
    pngCanvas().toBlob(function (blob) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = data.filename + ".png";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }, "image/png");
  }
  document.getElementById("save-png").addEventListener("click", savePng);
  state.pngDataUrl = function () { return pngCanvas().toDataURL("image/png"); };
  state.timing.end = performance.now();
})();
