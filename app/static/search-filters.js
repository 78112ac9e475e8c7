// The search filters fold into a disclosure on phones (results first) and stay open beside
// the results on wider screens. CSS shows them there already where ::details-content is
// supported; this opens the disclosure for the other browsers, and when the window widens.
(function () {
  var disclosure = document.querySelector(".filters-disclosure");
  if (!disclosure || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48.01rem)");
  function follow() { if (wide.matches) disclosure.open = true; }
  follow();
  if (wide.addEventListener) wide.addEventListener("change", follow);
})();
