// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Show booking times in the visitor's own time zone. The server cannot
  // know it, so on a first visit to /book we read it from the browser and
  // reload with ?tz=. Never after a failed form post: that would lose entries.
  function detectZone() {
    var select = document.getElementById("tz");
    if (!select || !select.hasAttribute("data-tz-auto")) return;
    if (location.pathname !== "/book" || document.getElementById("error-summary")) return;
    var params = new URLSearchParams(location.search);
    if (params.has("tz")) return;
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone || zone === select.value) return;
    params.set("tz", zone);
    location.replace(location.pathname + "?" + params.toString() + location.hash);
  }

  // Move focus to the error summary so screen-reader users hear it first.
  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    detectZone();
    focusErrors();
  });
})();
