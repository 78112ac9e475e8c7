// Compare page: a "Print this comparison" button (printing works without it, from the browser).
document.querySelectorAll(".js-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
