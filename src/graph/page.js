// iamsim access graph: shows what a clicked node or edge stands for. Reads the graph's JSON
// from the data block and writes only text nodes (never HTML) into the panel.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var panel = document.getElementById("panel");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clear() {
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    var sel = document.querySelectorAll(".selected, .related");
    for (var i = 0; i < sel.length; i++) { sel[i].classList.remove("selected", "related"); }
  }

  function statements(list, parent) {
    var ul = el("ul", "statements");
    list.forEach(function (s) {
      var li = el("li");
      li.appendChild(el("code", "loc", s.location));
      li.appendChild(document.createTextNode(" " + s.statement + " of " + s.policy + " (" + s.role + "): " + s.did));
      ul.appendChild(li);
    });
    parent.appendChild(ul);
  }

  function edgeSummary(e) {
    var what = e.kind === "assume-role" ? "sts:AssumeRole" : e.kind === "named" ? "named by a resource policy" : "the highlighted request";
    var state = e.usable ? (e.decision ? e.decision : "") : "refused: " + e.refused_by;
    return e.from + " → " + e.to + " — " + what + (state ? " — " + state : "");
  }

  function showNode(i) {
    var n = data.nodes[i];
    if (!n) { return; }
    clear();
    var g = document.querySelector('g.node[data-node="' + i + '"]');
    if (g) { g.classList.add("selected"); }
    panel.appendChild(el("h2", null, n.label));
    panel.appendChild(el("p", "id", n.id));
    panel.appendChild(el("p", "kind", n.kind + (n.account ? " in account " + n.account : "")));
    if (n.policies.length === 0) { panel.appendChild(el("p", "none", "no policies of its own")); }
    n.policies.forEach(function (p) {
      var box = el("section", "policy");
      var h = el("h3", null, p.role + ": ");
      h.appendChild(el("code", "loc", p.location));
      box.appendChild(h);
      if (p.name !== p.location) { box.appendChild(el("p", "name", p.name)); }
      var ul = el("ul", "statements");
      p.statements.forEach(function (s) {
        var li = el("li");
        li.appendChild(el("code", "loc", s.location));
        li.appendChild(document.createTextNode(" " + s.statement));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      panel.appendChild(box);
    });
    var edges = el("section", "edges");
    edges.appendChild(el("h3", null, "edges"));
    var any = false;
    data.edges.forEach(function (e, k) {
      if (e.from !== n.id && e.to !== n.id) { return; }
      any = true;
      var ge = document.querySelector('g.edge[data-edge="' + k + '"]');
      if (ge) { ge.classList.add("related"); }
      var d = el("div", "edge-detail" + (e.usable ? "" : " refused"));
      d.appendChild(el("p", null, edgeSummary(e)));
      statements(e.statements, d);
      edges.appendChild(d);
    });
    if (!any) { edges.appendChild(el("p", "none", "none drawn")); }
    panel.appendChild(edges);
  }

  function showEdge(k) {
    var e = data.edges[k];
    if (!e) { return; }
    clear();
    var g = document.querySelector('g.edge[data-edge="' + k + '"]');
    if (g) { g.classList.add("selected"); }
    panel.appendChild(el("h2", null, e.kind));
    var d = el("div", "edge-detail" + (e.usable ? "" : " refused"));
    d.appendChild(el("p", null, edgeSummary(e)));
    statements(e.statements, d);
    panel.appendChild(d);
  }

  var nodes = document.querySelectorAll("g.node");
  for (var i = 0; i < nodes.length; i++) {
    (function (g) {
      var i = Number(g.getAttribute("data-node"));
      g.addEventListener("click", function () { showNode(i); });
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { showNode(i); } });
    })(nodes[i]);
  }
  var edges = document.querySelectorAll("g.edge");
  for (var j = 0; j < edges.length; j++) {
    (function (g) {
      var k = Number(g.getAttribute("data-edge"));
      g.addEventListener("click", function () { showEdge(k); });
    })(edges[j]);
  }

  // `page.html#node=ID` opens with that node selected (links from reviews, and tests).
  function fromHash() {
    var m = /^#node=(.*)$/.exec(location.hash);
    if (!m) { return; }
    var id = decodeURIComponent(m[1]);
    for (var i = 0; i < data.nodes.length; i++) {
      if (data.nodes[i].id === id) { showNode(i); return; }
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.body.setAttribute("data-ready", String(data.nodes.length));
})();
