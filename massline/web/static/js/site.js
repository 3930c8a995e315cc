/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // character counters for textareas marked data-counter
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!max) { return; }
    var out = document.createElement("p");
    out.className = "counter";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    function update() {
      var n = area.value.length;
      out.textContent = "已输入 " + n + " / " + max + " 字";
      out.classList.toggle("over", n > max);
    }
    area.addEventListener("input", update);
    update();
  });

  // confirm before irreversible actions
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // move focus to an error summary so screen readers announce it
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
})();
