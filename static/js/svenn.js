// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Collapse the main menu behind a button on small screens.
  function setupMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("main-menu");
    if (!toggle || !menu) return;
    toggle.hidden = false;
    document.documentElement.classList.add("js");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      menu.classList.toggle("open", !open);
    });
  }

  // <button data-confirm="..."> asks before submitting its form (no inline handlers: CSP).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <dialog> opened by htmx: show it modally once its content arrives.
  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.detail.target.closest("dialog");
    if (dialog && !dialog.open && dialog.querySelector("form")) dialog.showModal();
  });
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-dialog]");
    if (close) {
      var dialog = close.closest("dialog");
      if (dialog) {
        event.preventDefault();
        dialog.close();
      }
    }
  });
  document.body.addEventListener("closeDialog", function () {
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); });
  });

  // htmx parses responses (and restored history) with DOMParser, where nothing runs
  // scripts, so a <noscript> there holds real elements: a search button meant for pages
  // without JavaScript would become its form's default button and take Enter. With
  // JavaScript running, no <noscript> is needed anywhere.
  function dropNoscript() {
    document.querySelectorAll("noscript").forEach(function (n) { n.remove(); });
  }
  document.addEventListener("htmx:afterSwap", dropNoscript);
  document.addEventListener("htmx:historyRestore", dropNoscript);

  // Let 4xx form responses (422 with field errors) swap in like 200s.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function setup() {
    setupMenu();
    dropNoscript();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
