/* Buttons marked data-gc-print open the browser's print dialog (the print stylesheet hides
   the navigation). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-gc-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
