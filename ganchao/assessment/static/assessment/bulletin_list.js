/* The .docx arrives as a download, so the page stays; the response sets a cookie carrying
   the form's token, and when it appears the page reloads to show the summary message. The
   messages and the cookie's name come from #bulletin-status's data attributes. */
(function () {
  "use strict";
  var status = document.getElementById("bulletin-status");
  if (!status) { return; }
  var waiting = status.getAttribute("data-waiting");
  var arrived = status.getAttribute("data-arrived");
  var cookieName = status.getAttribute("data-cookie");
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? match[1] : "";
  }
  document.querySelectorAll(".gc-bulletin-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      form.querySelector("input[name=token]").value = token;
      form.querySelector("button").disabled = true;
      status.textContent = waiting;
      status.classList.remove("d-none");
      var timer = setInterval(function () {
        if (cookie(cookieName) === token) {
          clearInterval(timer);
          status.textContent = arrived;
          setTimeout(function () { window.location.reload(); }, 1200);
        }
      }, 500);
    });
  });
})();
