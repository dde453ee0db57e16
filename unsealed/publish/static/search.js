/* People search of the published site: works from file:// and any web server, no fetch().
   The index (search-index.js) sets window.UNSEALED_SEARCH; names are matched by substring with
   separators, spaces, case and tone marks ignored (like `unsealed people --q`), pinyin likewise,
   ID numbers by prefix (only the published part of a masked number can match). */
(function () {
  "use strict";
  var data = window.UNSEALED_SEARCH;
  var box = document.getElementById("q");
  var list = document.getElementById("results");
  var info = document.getElementById("results-info");
  if (!data || !box || !list) { return; }
  var MAX = 100;
  var DROP = /[\s·•・‧∙⋅●.。\-－_'’`]+/g;
  var ID_QUERY = /^[0-9]{1,17}[0-9x]?$/;
  var root = document.body.getAttribute("data-root") || "";

  function fold(text) {
    var t = text.normalize("NFKC").toLowerCase().normalize("NFKD");
    t = t.replace(/u\u0308/g, "v").replace(/u:/g, "v").replace(/[\u0300-\u036f]/g, "");
    if (/[a-z]/.test(t)) { t = t.replace(/[0-9]/g, ""); }
    return t.replace(DROP, "");
  }

  var people = [];
  var lines = data.people ? data.people.split("\n") : [];
  for (var i = 0; i < lines.length; i++) {
    var f = lines[i].split("\t");
    people.push({ pid: f[0], name: f[1], key: fold(f[1]), pinyin: f[2], id: f[3].toLowerCase(), idShown: f[3], flags: f[4] || "" });
  }

  function search(raw) {
    var idq = raw.normalize("NFKC").toLowerCase().replace(/[\s\-_]+/g, "");
    var isId = ID_QUERY.test(idq);
    var q = isId ? idq : fold(raw);
    var hits = [], note = "";
    if (!q) { return { hits: hits, note: note, q: q }; }
    if (isId && data.masked && q.length > 10) {
      note = "ID numbers are published only up to the birth year: matched on the first 10 characters.";
      q = q.slice(0, 10);
    }
    for (var j = 0; j < people.length; j++) {
      var p = people[j];
      var ok = isId ? p.id.lastIndexOf(q, 0) === 0
                    : (p.key.indexOf(q) >= 0 || (p.pinyin && p.pinyin.indexOf(q) >= 0));
      if (ok) { hits.push(p); }
    }
    return { hits: hits, note: note, q: q };
  }

  function label(flags) {
    var out = [];
    if (flags.indexOf("d") >= 0) { out.push("detained"); }
    if (flags.indexOf("m") >= 0) { out.push("minor"); }
    if (flags.indexOf("s") >= 0) { out.push("staff"); }
    if (flags.indexOf("p") >= 0) { out.push("photo"); }
    return out.join(", ");
  }

  function show() {
    var t0 = performance.now();
    var r = search(box.value);
    var ms = performance.now() - t0;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    for (var k = 0; k < r.hits.length && k < MAX; k++) {
      var p = r.hits[k];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + "people/" + p.pid + ".html";
      a.textContent = p.name || "(no name)";
      a.className = "hit";
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + p.idShown + (p.flags ? "  · " + label(p.flags) : "");
      li.appendChild(meta);
      list.appendChild(li);
    }
    list.setAttribute("data-ms", ms.toFixed(2));
    list.setAttribute("data-count", String(r.hits.length));
    if (info) {
      info.textContent = r.q ? (r.hits.length + " people" + (r.hits.length > MAX ? " (first " + MAX + " shown)" : "") +
        " · " + ms.toFixed(1) + " ms" + (r.note ? " · " + r.note : "")) : "";
    }
  }

  box.addEventListener("input", show);
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { box.value = params.get("q"); }
  if (box.value) { show(); }
  window.unsealedSearch = search;
})();
