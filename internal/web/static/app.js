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

  // "Add another medication" reveals one more empty row in place, a copy
  // of the last with its index moved on. Without this file the button
  // saves the form and the page comes back with one more row.
  function medRows() {
    var button = document.getElementById("add-med");
    if (!button) return;
    var rows = button.form.querySelector('input[name="rows"]');
    button.addEventListener("click", function (ev) {
      var all = button.form.querySelectorAll("fieldset.med-row");
      var last = all[all.length - 1];
      if (!last) return;
      ev.preventDefault();
      var from = all.length - 1, to = all.length;
      var row = last.cloneNode(true);
      var re = new RegExp("^(med_|med-row-)" + from + "(?=_|$)");
      row.id = "med-row-" + to;
      row.classList.remove("has-error");
      row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      row.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
      row.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach(function (e) {
        ["id", "name", "for"].forEach(function (a) {
          if (e.hasAttribute(a)) e.setAttribute(a, e.getAttribute(a).replace(re, "$1" + to));
        });
        if (e.hasAttribute("aria-describedby")) {
          var ids = e.getAttribute("aria-describedby").split(/\s+/).filter(function (id) { return !/-error$/.test(id); });
          ids = ids.map(function (id) { return id.replace(re, "$1" + to); });
          if (ids.length) e.setAttribute("aria-describedby", ids.join(" ")); else e.removeAttribute("aria-describedby");
        }
        e.removeAttribute("aria-invalid");
        if (e.tagName === "INPUT" || e.tagName === "TEXTAREA") e.value = "";
      });
      var legend = row.querySelector("legend");
      if (legend) legend.textContent = "Medication " + (to + 1);
      last.after(row);
      if (rows) rows.value = String(to + 1);
      if (to + 1 >= Number(button.getAttribute("data-max") || 30)) button.disabled = true;
      var first = row.querySelector("input");
      if (first) first.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    medRows();
    detectZone();
    skipLogic();
    focusErrors();
  });
})();
