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

  // Questionnaire skip logic: an item asked only after certain answers to
  // earlier items (data-ask-if="1", data-ask-if-values="1") is hidden until
  // they are given. Without this file every item shows with a note, and
  // the server drops answers the skip logic leaves out.
  function skipLogic() {
    var form = document.querySelector("form.measure");
    if (!form) return;
    var items = form.querySelectorAll("fieldset[data-ask-if]");
    if (!items.length) return;
    function answer(i) {
      var checked = form.querySelector('input[name="item_' + i + '"]:checked');
      return checked ? checked.value : null;
    }
    function update() {
      items.forEach(function (fs) {
        var on = fs.getAttribute("data-ask-if").split(",");
        var values = fs.getAttribute("data-ask-if-values").split(",");
        var asked = on.some(function (i) {
          var a = answer(i);
          var parent = form.querySelector("#item_" + i);
          return a !== null && values.indexOf(a) >= 0 && !(parent && parent.hidden);
        });
        fs.hidden = !asked;
        fs.querySelectorAll("input").forEach(function (input) { input.disabled = !asked; });
      });
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    detectZone();
    skipLogic();
    focusErrors();
  });
})();
