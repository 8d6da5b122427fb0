// detente Review page: posts the review form to POST /reviews with the token (Authorization: Bearer),
// then adds the stored review to the history table. The token is kept in this tab (sessionStorage) only.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var status = document.getElementById("review-status");
  var token = document.getElementById("token");
  try { token.value = sessionStorage.getItem("detente-token") || ""; } catch (e) { /* storage off */ }

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }
  function addRow(r) {
    var body = document.querySelector("#history tbody");
    var none = body.querySelector("tr.none");
    if (none) { body.removeChild(none); }
    var tr = document.createElement("tr");
    tr.dataset.review = r.review_id;
    cell(tr, r.created_at); cell(tr, r.reviewer || "\u2014");
    var v = document.createElement("span"); v.className = "verdict " + r.verdict; v.textContent = r.verdict;
    cell(tr, "").appendChild(v);
    cell(tr, Object.keys(r.changes || {}).map(function (k) {
      return k + " " + (r.changes[k][0] || "\u2013") + " \u2192 " + r.changes[k][1];
    }).join("; "));
    cell(tr, r.note || "");
    body.insertBefore(tr, body.firstChild);
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var data = new FormData(form);
    var body = { event_id: form.dataset.event, verdict: data.get("verdict") };
    ["cameo", "source", "target", "polarity", "modality", "reviewer", "note"].forEach(function (k) {
      var v = (data.get(k) || "").trim();
      if (v) { body[k] = v; }
    });
    if (body.verdict !== "corrected") {
      ["cameo", "source", "target", "polarity", "modality"].forEach(function (k) { delete body[k]; });
    }
    try { sessionStorage.setItem("detente-token", token.value); } catch (e) { /* storage off */ }
    status.className = ""; status.textContent = "Saving\u2026";
    fetch("/reviews", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json",
                                                   Authorization: "Bearer " + token.value.trim() },
                        body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (res.ok) {
          status.className = "saved";
          status.textContent = "Saved: " + res.body.verdict + " (review " + res.body.review_id + ")";
          addRow(res.body);
        } else {
          status.className = "failed";
          status.textContent = (res.body.error || "error") + ": " + (res.body.detail || "not saved");
        }
      })
      .catch(function (e) { status.className = "failed"; status.textContent = "Not saved: " + e; });
  });
})();
