/* icpmap map page: hover details, a PCN's footprint, layers, zoom and pan. Offline, no library.
   Every text from the data is written with textContent, never as HTML. */
(function () {
  "use strict";
  var api = window.icpmap = { ready: false, errors: [] };
  try {
    var data = JSON.parse(document.getElementById("icpmap-map-data").textContent);
    var svg = document.getElementById("map");
    var box = document.getElementById("map-box");
    var tip = document.getElementById("tip");
    var select = document.getElementById("pcn-select");
    var areaEls = document.getElementById("areas").children;
    var practiceEls = document.getElementById("practices").children;
    var index = new Map();
    var i;
    for (i = 0; i < areaEls.length; i++) {
      index.set(areaEls[i], ["area", i]);
      if (data.areas[i][4]) areaEls[i].classList.add("context");
    }
    for (i = 0; i < practiceEls.length; i++) index.set(practiceEls[i], ["practice", i]);

    var pcnByCode = new Map();
    data.pcns.forEach(function (p, n) { pcnByCode.set(p[0], n); });
    var shares = null; // area index -> share of the selected PCN's patients
    var chosen = -1;

    function pct(x) { return (100 * x).toFixed(1) + "%"; }
    function named(code, name) { return name ? name + " (" + code + ")" : code; }
    function placeName(n) { return n >= 0 ? named(data.places[n][0], data.places[n][1]) : "none"; }
    function shareClass(s) { var c = 0; data.shareBreaks.forEach(function (b) { if (s >= b) c++; }); return c; }

    function areaText(n) {
      var a = data.areas[n];
      var lines = [named(a[0], a[1]), "Place: " + placeName(a[2])];
      if (a[3] >= 0) lines.push("Neighbourhood: " + named(data.nbs[a[3]][0], data.nbs[a[3]][1]));
      if (chosen >= 0) {
        var p = data.pcns[chosen];
        var got = shares.get(n);
        lines.push(got ? pct(got[0]) + " of " + p[1] + "'s registered patients live here (" + got[1] + ")"
                       : "None of " + p[1] + "'s registered patients live here");
      }
      return lines.join("\n");
    }

    function practiceText(n) {
      var r = data.practices[n];
      var lines = [named(r[0], r[1])];
      if (r[2]) lines.push("Postcode: " + r[2]);
      if (r[3] >= 0) {
        var p = data.pcns[r[3]];
        lines.push("PCN: " + named(p[0], p[1]));
        if (p[3]) lines.push(p[3]);
      } else {
        lines.push("In no PCN on this map");
      }
      lines.push("Located in: " + placeName(r[4]));
      if (r[5]) lines.push("Point from: " + r[5]);
      return lines.join("\n");
    }

    function textOf(el) {
      var what = index.get(el);
      if (!what) return null;
      return what[0] === "area" ? areaText(what[1]) : practiceText(what[1]);
    }

    var hovered = null;
    function unhover() {
      if (hovered) hovered.classList.remove("hover");
      hovered = null;
      tip.hidden = true;
    }
    svg.addEventListener("pointermove", function (e) {
      if (dragging) return;
      var el = e.target;
      var text = textOf(el);
      if (!text) { unhover(); return; }
      if (el !== hovered) {
        unhover();
        hovered = el;
        el.classList.add("hover");
        tip.textContent = text;
      }
      var r = box.getBoundingClientRect();
      tip.hidden = false;
      var x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
      if (x + tip.offsetWidth > r.width) x = Math.max(0, e.clientX - r.left - tip.offsetWidth - 10);
      if (y + tip.offsetHeight > r.height) y = Math.max(0, e.clientY - r.top - tip.offsetHeight - 10);
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    });
    svg.addEventListener("pointerleave", unhover);

    function showDetails(text) {
      var details = document.getElementById("details");
      while (details.childNodes.length > 1) details.removeChild(details.lastChild);
      var p = document.createElement("p");
      p.textContent = text;
      details.appendChild(p);
    }

    // -- a PCN's footprint --------------------------------------------------------------
    function choose(n) {
      chosen = n;
      shares = new Map();
      var legend = document.getElementById("footprint-legend");
      var k;
      for (k = 0; k < areaEls.length; k++) areaEls[k].style.fill = "";
      for (k = 0; k < practiceEls.length; k++) {
        practiceEls[k].classList.toggle("dim", n >= 0 && data.practices[k][3] !== n);
      }
      document.querySelectorAll("button.pcn").forEach(function (b) {
        b.classList.toggle("chosen", n >= 0 && b.getAttribute("data-pcn") === data.pcns[n][0]);
      });
      select.value = n >= 0 ? data.pcns[n][0] : "";
      if (n < 0) {
        legend.hidden = true;
        api.selected = null;
        return;
      }
      var p = data.pcns[n];
      var total = data.totals[n];
      (data.footprints[n] || []).forEach(function (pair) {
        var share = total ? pair[1] / total : 0;
        shares.set(pair[0], [share, pair[1]]);
        areaEls[pair[0]].style.fill = data.shareColours[shareClass(share)];
      });
      legend.hidden = false;
      document.getElementById("footprint-title").textContent =
        named(p[0], p[1]) + ": " + total + " registered patients" + (p[3] ? ". " + p[3] : "");
      var note = "";
      if (!total) note = "No registrations are loaded for this PCN: its footprint is the points of its practices (highlighted).";
      else if (data.undrawn[n]) note = pct(data.undrawn[n] / total) + " of its patients live in Areas with no boundary loaded (not drawn).";
      document.getElementById("footprint-note").textContent = note;
      api.selected = p[0];
    }
    api.select = function (code) { choose(code && pcnByCode.has(code) ? pcnByCode.get(code) : -1); };
    select.addEventListener("change", function () { api.select(select.value); });
    document.querySelectorAll("button.pcn").forEach(function (b) {
      b.addEventListener("click", function () { api.select(b.getAttribute("data-pcn")); });
    });
    svg.addEventListener("click", function (e) {
      if (moved) return;
      var what = index.get(e.target);
      if (!what) return;
      showDetails(textOf(e.target));
      if (what[0] === "practice" && data.practices[what[1]][3] >= 0) choose(data.practices[what[1]][3]);
    });

    // -- layers -------------------------------------------------------------------------
    [["show-areas", "hide-areas"], ["show-neighbourhoods", "hide-neighbourhoods"],
     ["show-practices", "hide-practices"]].forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      input.addEventListener("change", function () { svg.classList.toggle(pair[1], !input.checked); });
    });
    var highlight = document.getElementById("show-highlight");
    highlight.addEventListener("change", function () { document.body.classList.toggle("highlight", highlight.checked); });

    // -- zoom and pan (the viewBox) ---------------------------------------------------------
    var home = svg.getAttribute("viewBox").split(" ").map(Number);
    var view = home.slice();
    var radius = data.radius;
    function apply() {
      svg.setAttribute("viewBox", view.map(function (v) { return Math.round(v * 10) / 10; }).join(" "));
      var r = Math.max(radius * view[2] / home[2], 0.5);
      for (var k = 0; k < practiceEls.length; k++) practiceEls[k].setAttribute("r", r.toFixed(1));
    }
    function zoom(factor, cx, cy) {
      var w = Math.min(Math.max(view[2] * factor, home[2] / 200), home[2] * 4);
      var f = w / view[2];
      if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
      view = [cx - (cx - view[0]) * f, cy - (cy - view[1]) * f, view[2] * f, view[3] * f];
      apply();
    }
    function toMap(e) {
      var r = svg.getBoundingClientRect();
      var s = Math.max(view[2] / r.width, view[3] / r.height);
      var ox = (r.width * s - view[2]) / 2, oy = (r.height * s - view[3]) / 2;
      return [view[0] - ox + (e.clientX - r.left) * s, view[1] - oy + (e.clientY - r.top) * s, s];
    }
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      var at = toMap(e);
      zoom(e.deltaY < 0 ? 0.8 : 1.25, at[0], at[1]);
    }, { passive: false });
    var dragging = null, moved = false;
    svg.addEventListener("pointerdown", function (e) {
      dragging = [e.clientX, e.clientY, view[0], view[1], toMap(e)[2]];
      moved = false;
    });
    window.addEventListener("pointermove", function (e) {
      if (!dragging) return;
      var dx = e.clientX - dragging[0], dy = e.clientY - dragging[1];
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) { svg.classList.add("dragging"); unhover(); }
      moved = true;
      view[0] = dragging[2] - dx * dragging[4];
      view[1] = dragging[3] - dy * dragging[4];
      apply();
    });
    window.addEventListener("pointerup", function () {
      dragging = null;
      svg.classList.remove("dragging");
    });
    document.getElementById("zoom-in").addEventListener("click", function () { zoom(0.6); });
    document.getElementById("zoom-out").addEventListener("click", function () { zoom(1 / 0.6); });
    document.getElementById("zoom-reset").addEventListener("click", function () { view = home.slice(); apply(); });

    choose(data.selected);
    document.getElementById("status").textContent =
      areaEls.length + " Areas, " + practiceEls.length + " practices. Scroll to zoom, drag to move.";
    api.areas = areaEls.length;
    api.practices = practiceEls.length;
    api.textOf = textOf;
    api.view = function () { return view.slice(); };
    api.readyAt = performance.now();
    api.ready = true;
  } catch (err) {
    api.errors.push(String(err && err.stack || err));
    throw err;
  }
})();
