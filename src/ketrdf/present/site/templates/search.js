// ketrdf site search: filters search-index.json (label, IRI, CURIE, page path, type) as the user types.
"use strict";
(function () {
  const form = document.getElementById("search");
  const input = document.getElementById("q");
  const list = document.getElementById("results");
  const root = form.dataset.root.endsWith("/") ? form.dataset.root : form.dataset.root + "/";
  const prefix = form.dataset.lang === "ja" ? "ja/" : "";
  let entries = [];
  function show() {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    list.replaceChildren();
    if (!words.length) { return; }
    const found = entries.filter(function (e) {
      const text = [e.label, e.label_ja, e.iri, e.curie, e.type].join(" ").toLowerCase();
      return words.every(function (w) { return text.includes(w); });
    }).slice(0, 200);
    for (const e of found) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root + prefix + e.path;
      link.textContent = (prefix && e.label_ja) ? e.label_ja : e.label;
      const note = document.createElement("small");
      note.textContent = " " + e.curie + " (" + e.type + ")";
      item.append(link, note);
      list.append(item);
    }
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); show(); });
  input.addEventListener("input", show);
  fetch(form.dataset.index).then(function (r) { return r.json(); })
    .then(function (data) { entries = data; const q = new URLSearchParams(location.search).get("q");
      if (q) { input.value = q; } show(); })
    .catch(function () { list.textContent = "search-index.json could not be read"; });
})();
