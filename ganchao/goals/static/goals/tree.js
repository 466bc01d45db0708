/* 目标体系: expand and collapse goals; print shows every row. */
(function () {
  "use strict";
  var table = document.getElementById("goal-tree");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var collapsed = {};
  function apply() {
    var closed = Object.keys(collapsed);
    rows.forEach(function (row) {
      var code = row.getAttribute("data-code");
      row.hidden = closed.some(function (c) { return code.indexOf(c + ".") === 0; });
    });
    table.querySelectorAll("[data-toggle-code]").forEach(function (button) {
      var open = !collapsed[button.getAttribute("data-toggle-code")];
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? "▾" : "▸";
    });
  }
  table.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-code]");
    if (!button) { return; }
    var code = button.getAttribute("data-toggle-code");
    if (collapsed[code]) { delete collapsed[code]; } else { collapsed[code] = true; }
    apply();
  });
  document.querySelector("[data-tree-expand]").addEventListener("click", function () { collapsed = {}; apply(); });
  document.querySelector("[data-tree-collapse]").addEventListener("click", function () {
    collapsed = {};
    table.querySelectorAll("[data-toggle-code]").forEach(function (b) {
      var c = b.getAttribute("data-toggle-code");
      if (c.indexOf(".") < 0) { collapsed[c] = true; }
    });
    apply();
  });
  document.querySelector("[data-print]").addEventListener("click", function () { window.print(); });
  window.addEventListener("beforeprint", function () { rows.forEach(function (row) { row.hidden = false; }); });
  window.addEventListener("afterprint", apply);
})();
