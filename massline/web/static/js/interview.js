/* The live page of an online interview: polls the questions and answers every few seconds.
   Without this file the page works the same by reloading. */
(function () {
  "use strict";
  var section = document.querySelector("[data-live]");
  var list = document.getElementById("question-list");
  var phase = document.getElementById("phase");
  if (!section || !list || !phase || phase.getAttribute("data-phase") === "ended") { return; }
  var url = section.getAttribute("data-live");
  var LABELS = {upcoming: "即将开始，欢迎提问", live: "正在直播", ended: "已结束"};

  function answerBlock(text) {
    var box = document.createElement("div");
    box.className = "answer";
    var meta = document.createElement("p");
    meta.className = "meta";
    var strong = document.createElement("strong");
    strong.textContent = "回答";
    meta.appendChild(strong);
    var body = document.createElement("div");
    body.className = "body-text";
    body.textContent = text;
    box.appendChild(meta);
    box.appendChild(body);
    return box;
  }

  function item(q) {
    var li = document.createElement("li");
    li.id = "q" + q.id;
    li.setAttribute("data-id", String(q.id));
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.appendChild(document.createTextNode(q.author + " · "));
    var votes = document.createElement("span");
    votes.className = "votes";
    meta.appendChild(votes);
    meta.appendChild(document.createTextNode(" 票"));
    var body = document.createElement("div");
    body.className = "body-text";
    body.textContent = q.body;
    li.appendChild(meta);
    li.appendChild(body);
    return li;
  }

  function update(state) {
    phase.textContent = LABELS[state.phase] || phase.textContent;
    phase.setAttribute("data-phase", state.phase);
    var empty = list.querySelector(".empty");
    if (empty && state.questions.length) { empty.remove(); }
    state.questions.forEach(function (q) {
      var li = document.getElementById("q" + q.id) || item(q);
      li.querySelector(".votes").textContent = String(q.votes);
      if (q.answer && !li.querySelector(".answer")) {
        var form = li.querySelector("form");
        if (form) { form.remove(); }
        li.appendChild(answerBlock(q.answer));
      }
      list.appendChild(li);  // re-appended in the answer's order: most votes first
    });
  }

  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) { if (state) { update(state); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .finally(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 4000);
}());
