/* 登记承诺: the reason field shows only when the commitment needs an approval — beyond what the
   unit may still commit, no capacity recorded, or drawing on a later year's budget. Without the
   script the field is always shown and the server decides. */
(function () {
  "use strict";
  var form = document.getElementById("commitment-form");
  var box = document.getElementById("reason-field");
  if (!form || !box) { return; }
  var room = form.getAttribute("data-room");
  var year = parseInt(form.getAttribute("data-year"), 10);
  var amount = form.querySelector("[name=amount]");
  var budgetYear = form.querySelector("[name=budget_year]");
  var reason = form.querySelector("[name=reason]");
  function needed() {
    if (room === "") { return true; }
    var later = parseInt(budgetYear.value, 10) > year;
    var value = parseFloat((amount.value || "").replace(/,/g, ""));
    return later || (!isNaN(value) && value > parseFloat(room));
  }
  function update() {
    var show = needed() || (reason && reason.value.trim() !== "") || box.querySelector(".invalid-feedback");
    box.hidden = !show;
  }
  amount.addEventListener("input", update);
  budgetYear.addEventListener("input", update);
  update();
})();
