// detente web pages: actor autocomplete over GET /actors?q= (plain JS, no library).
// An <input data-autocomplete="/actors"> followed by its <ul role=listbox> gets suggestions as the
// user types; arrows + Enter or a click fill the input with "Name (CODE)".
(function () {
  "use strict";
  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.getAttribute("data-autocomplete");
    var items = [], active = -1, timer = null, seq = 0;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(i) { if (items[i]) { input.value = items[i].label; } close(); }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
    }
    function render() {
      list.textContent = "";
      items.forEach(function (a, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        li.dataset.code = a.code;
        var name = document.createElement("span");
        name.textContent = a.name + " (" + a.code + ")" +
          (a.match && a.match.toLowerCase() !== a.name.toLowerCase() && a.match !== a.code ? " \u00b7 " + a.match : "");
        var n = document.createElement("span");
        n.className = "n";
        n.textContent = a.events ? a.events + " events" : "";
        li.appendChild(name); li.appendChild(n);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      mark();
    }
    function fetchSuggestions() {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { items = []; render(); return; }
      fetch(url + "?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { actors: [] }; })
        .then(function (body) { if (mine === seq) { items = body.actors || []; active = items.length ? 0 : -1; render(); } })
        .catch(function () { items = []; render(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 120); });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) { return; }
      if (ev.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); mark(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); mark(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active >= 0) { choose(active); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(setup);
})();
// Article view: pointing at an event in the list lights its spans in the text, and the reverse.
(function () {
  "use strict";
  function light(ids, on) {
    ids.forEach(function (id) {
      document.querySelectorAll('mark.ent[data-events~="' + id + '"]').forEach(function (m) { m.classList.toggle("lit", on); });
      var card = document.getElementById("event-" + id);
      if (card) { card.classList.toggle("lit", on); }
    });
  }
  document.querySelectorAll("li.event-card[data-event]").forEach(function (card) {
    var ids = [card.getAttribute("data-event")];
    card.addEventListener("mouseenter", function () { light(ids, true); });
    card.addEventListener("mouseleave", function () { light(ids, false); });
  });
  document.querySelectorAll(".article-text mark.ent[data-events]").forEach(function (m) {
    var ids = m.getAttribute("data-events").split(" ");
    m.addEventListener("mouseenter", function () { light(ids, true); });
    m.addEventListener("mouseleave", function () { light(ids, false); });
  });
})();
