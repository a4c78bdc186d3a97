/* planlineage interactive view: reads the JSON data block, draws it with
   vis-network, fills the legend, the search box and the details panel.
   Every document text is put into the page with textContent (never innerHTML)
   and node tooltips are plain strings, which vis-network shows as text. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("plv-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("plv-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.planlineageView = { network: network, nodes: nodes, edges: edges, data: data };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  // Legend: node kinds then edge kinds.
  var legend = document.querySelector("#plv-legend ul");
  data.legend.nodes.forEach(function (item) {
    var li = el("li");
    var sw = el("span", null, "swatch " + item.shape);
    sw.style.background = item.color;
    if (item.border) { sw.style.border = "2px dashed " + item.border; }
    li.appendChild(sw);
    li.appendChild(el("span", item.label));
    legend.appendChild(li);
  });
  data.legend.edges.forEach(function (item) {
    var li = el("li");
    li.appendChild(el("span", null, item.dashes ? "edge-dashed" : "edge-solid"));
    li.appendChild(el("span", item.label));
    legend.appendChild(li);
  });

  if (data.legend.hint) { document.getElementById("plv-legend").appendChild(el("p", data.legend.hint, "hint")); }

  // Fit the drawing in the window once it is laid out, and again when the window changes size.
  var ready = false;
  function fit() { network.fit({ animation: false }); }
  network.once("afterDrawing", function () { fit(); ready = true; window.planlineageView.ready = true; });
  if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () { fit(); });
  }
  window.addEventListener("resize", function () { if (ready) { fit(); } });

  // Details panel.
  var dl = document.querySelector("#plv-details dl");
  var hint = document.querySelector("#plv-details .hint");
  var details = {};
  data.details.forEach(function (d) { details[d[0]] = d[1]; });
  function showDetails(id) {
    while (dl.firstChild) { dl.removeChild(dl.firstChild); }
    var rows = details[id] || [];
    hint.hidden = rows.length > 0;
    rows.forEach(function (kv) { dl.appendChild(el("dt", kv[0])); dl.appendChild(el("dd", kv[1])); });
  }
  network.on("click", function (params) {
    if (params.nodes.length) { showDetails(params.nodes[0]); }
  });

  // Search: substring match on each node's search text, ignoring diacritics, case and punctuation.
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }
  var index = data.nodes.map(function (n) { return [n.id, fold(data.search[n.id] || n.label || "")]; });
  var names = document.getElementById("plv-names");
  var seen = {};
  data.nodes.forEach(function (n) {
    var name = data.names[n.id];
    if (name && !seen[name]) { seen[name] = true; var o = el("option"); o.value = name; names.appendChild(o); }
  });
  var status = document.getElementById("plv-status");
  document.getElementById("plv-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = fold(document.getElementById("plv-q").value);
    if (!q) { return; }
    var hits = index.filter(function (p) { return p[1].indexOf(q) >= 0; }).map(function (p) { return p[0]; });
    if (!hits.length) { status.textContent = data.ui.not_found; network.unselectAll(); return; }
    status.textContent = hits.length + " " + data.ui.found;
    network.selectNodes(hits);
    network.focus(hits[0], { scale: 1.0, animation: false });
    showDetails(hits[0]);
  });
})();
