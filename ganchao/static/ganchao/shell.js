// The side navigation is taller than a 768-pixel office screen and scrolls on its own
// (Tabler's .navbar-collapse): bring the current page's entry into view, so a page low in the
// menu (比着干, 系统管理) shows where the user is.
document.addEventListener("DOMContentLoaded", function () {
  var current = document.querySelector('.gc-sidebar [aria-current="page"]');
  var menu = current && current.closest(".navbar-collapse");
  if (!menu) { return; }
  var box = current.getBoundingClientRect();
  var frame = menu.getBoundingClientRect();
  if (box.bottom > frame.bottom || box.top < frame.top) {
    menu.scrollTop += box.top - frame.top - frame.height / 2;
  }
});
