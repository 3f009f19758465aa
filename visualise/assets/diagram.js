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
    var neighbours = network.getConnectedNodes(id).map(function (x) { return byId[x]; }).filter(Boolean);
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
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, opacity: keep[n.id] ? 1 : 0.12, font: { color: keep[n.id] ? "#212B32" : "rgba(33,43,50,0.15)" } };
    }));
    edges.update(data.edges.map(function (e) {
      var c = e.color.color;
      return { id: e.id, color: { color: c, highlight: c, hover: c, inherit: false, opacity: keepEdges[e.id] ? 1 : 0.08 } };
    }));
    faded = true;
    network.selectNodes([id]);
    network.fit({ nodes: Object.keys(keep), animation: { duration: 300 } });
    showDetails(id);
  }
  function clearFocus() {
    if (faded) {
      nodes.update(data.nodes.map(function (n) { return { id: n.id, opacity: 1, font: { color: "#212B32" } }; }));
      edges.update(data.edges.map(function (e) { return { id: e.id, color: e.color }; }));
      faded = false;
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

  /* Filters by node type and by sector. */
  var off = { kinds: {}, sectors: {} };
  function applyFilters() {
    var nodeUpdates = [], edgeUpdates = [], hidden = {}, count = 0;
    data.nodes.forEach(function (n) {
      var h = !!(off.kinds[n.kind] || (n.kind === "Organisation" && off.sectors[n.sector]));
      if (h) { hidden[n.id] = true; count++; }
      if (!!nodes.get(n.id).hidden !== h) nodeUpdates.push({ id: n.id, hidden: h });
    });
    data.edges.forEach(function (e) {
      var h = !!(hidden[e.from] || hidden[e.to]);
      if (!!edges.get(e.id).hidden !== h) edgeUpdates.push({ id: e.id, hidden: h });
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    state.visibleNodes = data.nodes.length - count;
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
