// unsealed workbench: the only script. No network requests, no third-party code.
// "/" focuses the search box; the highlighted spreadsheet row is scrolled into the middle of its grid.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("q");
    var tag = (event.target && event.target.tagName) || "";
    if (event.key === "/" && box && tag !== "INPUT" && tag !== "TEXTAREA" && tag !== "SELECT") {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var row = document.querySelector("tr.hit");
    var wrap = row && row.closest(".grid-wrap");
    if (wrap) {
      wrap.scrollTop = Math.max(0, row.offsetTop - wrap.clientHeight / 2);
    }
  });
})();
