/* The reply desk's live review: as the official types in the reply box, the draft is reviewed
   (POST to the box's data-review-url, debounced) and the score panel and the demands beside the
   message are updated. Progressive enhancement: without this file the page shows the review of the
   saved draft, and the form works the same. */
(function () {
  "use strict";

  var area = document.querySelector("textarea[data-review-url]");
  var panel = document.getElementById("live-review");
  if (!area || !panel) { return; }
  var body = panel.querySelector("[data-review-body]");
  var form = area.form;
  var token = form ? form.querySelector("input[name=csrf_token]") : null;
  var minScore = panel.hasAttribute("data-min-score") ? parseFloat(panel.getAttribute("data-min-score")) : null;
  var timer = null;
  var sent = 0;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function fixed(x) { return Number(x).toFixed(2); }

  function totalLine(r) {
    var p = el("p", null, "review-total");
    var strong = el("strong", "总分 ");
    var span = el("span", fixed(r.total));
    span.setAttribute("data-total", "");
    strong.appendChild(span);
    p.appendChild(strong);
    if (minScore !== null) {
      var note = el("span", "（本单位最低分 " + fixed(minScore) + (r.total < minScore ? "，低于最低分，须经单位负责人审核" : "") + "）", "muted");
      p.appendChild(note);
    }
    p.appendChild(el("br"));
    p.appendChild(el("span", "= " + r.composition, "muted composition"));
    return p;
  }

  function criteriaTable(r) {
    var table = el("table", null, "review-criteria");
    var head = el("tr");
    ["评价项", "得分", "依据与建议"].forEach(function (t) { var th = el("th", t); th.scope = "col"; head.appendChild(th); });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = el("tbody");
    r.criteria.forEach(function (c) {
      var tr = el("tr", null, c.score < 0.6 ? "low" : "");
      tr.setAttribute("data-criterion", c.key);
      var th = el("th", c.label); th.scope = "row"; tr.appendChild(th);
      var td = el("td");
      var meter = el("meter", fixed(c.score));
      meter.min = 0; meter.max = 1; meter.low = 0.6; meter.high = 0.8; meter.optimum = 1; meter.value = c.score;
      td.appendChild(meter);
      td.appendChild(document.createTextNode(" " + fixed(c.score)));
      tr.appendChild(td);
      var why = el("td");
      if (c.evidence.length) { why.appendChild(el("span", "依据：" + c.evidence.join("；"), "muted")); }
      if (c.suggestion) { why.appendChild(el("br")); why.appendChild(el("span", "建议：" + c.suggestion, "suggestion")); }
      tr.appendChild(why);
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    return table;
  }

  function demandList(r) {
    var ul = el("ul", null, "review-demands");
    r.demands.forEach(function (d) {
      var state = d.answered ? "answered" : (d.referred_to ? "referred" : "unanswered");
      var text = "诉求 " + (d.index + 1) + "：";
      if (d.answered) {
        text += "已答复（答复第 " + d.sentences.map(function (i) { return i + 1; }).join("、") + " 句）";
      } else if (d.referred_to) {
        text += "不属本单位职责（" + d.referred_to + "主管），视为已答复";
      } else {
        text += "未答复";
      }
      ul.appendChild(el("li", text, state));
      // the demand's highlight beside the message
      document.querySelectorAll("[data-demand='" + d.index + "']").forEach(function (node) {
        node.classList.remove("answered", "referred", "unanswered");
        node.classList.add(state);
      });
    });
    return ul;
  }

  function show(r) {
    body.textContent = "";
    body.appendChild(totalLine(r));
    body.appendChild(criteriaTable(r));
    body.appendChild(demandList(r));
    panel.setAttribute("data-state", "live");
  }

  function review() {
    var text = area.value;
    if (!text.trim()) { return; }
    var n = ++sent;
    var data = new URLSearchParams();
    data.append("csrf_token", token ? token.value : "");
    data.append("text", text);
    fetch(area.getAttribute("data-review-url"), {
      method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (r) {
      if (n === sent) { show(r); }
    }).catch(function () {
      if (n === sent) { panel.setAttribute("data-state", "error"); }
    });
  }

  // skeletons: insert at the cursor (or replace an empty box), then review
  document.querySelectorAll("button[data-skeleton]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-skeleton");
      var at = area.selectionStart || 0;
      var end = area.selectionEnd || at;
      area.value = area.value.slice(0, at) + text + area.value.slice(end);
      area.focus();
      area.setSelectionRange(at + text.length, at + text.length);
      area.dispatchEvent(new Event("input"));
    });
  });

  area.addEventListener("input", function () {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(review, 500);
  });
})();
