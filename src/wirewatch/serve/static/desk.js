// wirewatch desk: the only script of the desk, served from the package (no inline script).
// It adds conveniences; every page works without it.
"use strict";
(function () {
  // Filter forms: drop empty fields (clean URLs) and submit when a select changes.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.value === "") { field.disabled = true; }
      });
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  });

  // Document page: pointing at an extracted value lights up its words in the article.
  var text = document.getElementById("article-text");
  if (!text) { return; }
  function segmentsOf(key) {
    return Array.prototype.filter.call(text.querySelectorAll(".hl[data-s]"), function (seg) {
      return seg.getAttribute("data-s").split(" ").indexOf(key) !== -1;
    });
  }
  function light(link, on) {
    (link.getAttribute("data-key") || "").split(" ").forEach(function (key) {
      if (!key) { return; }
      segmentsOf(key).forEach(function (seg) { seg.classList.toggle("lit", on); });
    });
  }
  document.querySelectorAll("a.span-link[data-key]").forEach(function (link) {
    link.addEventListener("mouseenter", function () { light(link, true); });
    link.addEventListener("mouseleave", function () { light(link, false); });
    link.addEventListener("focus", function () { light(link, true); });
    link.addEventListener("blur", function () { light(link, false); });
  });
  // Arriving at #sN (from a link elsewhere) lights that span.
  function fromHash() {
    text.querySelectorAll(".hl.lit").forEach(function (seg) { seg.classList.remove("lit"); });
    var key = window.location.hash.slice(1);
    if (/^s\d+$/.test(key)) {
      segmentsOf(key).forEach(function (seg) { seg.classList.add("lit"); });
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
