// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Collapse the main menu behind a button on small screens; Escape closes it and
  // gives focus back to the button.
  function setupMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("main-menu");
    if (!toggle || !menu) return;
    toggle.hidden = false;
    document.documentElement.classList.add("js");
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    }
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
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

  // <dialog> opened by htmx: show it modally once its content arrives, named by the
  // heading of what it shows. A button marked autofocus ("Avbryt" before a delete)
  // takes the focus; else the first field does. Only content swapped into the dialog
  // (or its body) opens it: a late answer to a part of a closed dialog's form (a
  // look-up as the user typed) leaves it closed. htmx would wire up the new fields
  // when the swap settles, a moment after: wired up first, the first keys typed into a
  // field that asks as it is typed in (the customer card's org. no.) ask.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var dialog = target.closest("dialog");
    var opening = dialog && (target === dialog || target.parentElement === dialog);
    if (opening && !dialog.open && dialog.querySelector("form")) {
      var heading = dialog.querySelector("h1[id], h2[id]");
      if (heading) dialog.setAttribute("aria-labelledby", heading.id);
      window.htmx.process(dialog);
      dialog.showModal();
    }
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

  // <a data-pick="#select" data-value="…" data-then="#field">: a one-tap choice for a
  // <select> (the latest projects above "Prosjekt"). Without JavaScript the link opens
  // the form again with the choice made; with it the select takes the value in place
  // and says so with "change", so what follows a choice (the project's customer)
  // follows this too; then the focus goes on to what is left to type.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-pick]");
    if (!link) return;
    var select = document.querySelector(link.getAttribute("data-pick"));
    if (!select) return;
    event.preventDefault();
    var value = link.getAttribute("data-value");
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
    if (!option) {
      option = new Option(link.textContent.trim(), value);
      select.add(option, 1);
    }
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    link.closest("[role=group]").querySelectorAll("a[data-pick]").forEach(function (other) {
      if (other === link) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
    var next = document.querySelector(link.getAttribute("data-then"));
    if (next) next.focus();
  });

  // After a save the week marks the new entry: bring it into view (a page load gets
  // there by its address's #entry-…, an htmx swap by this).
  document.addEventListener("htmx:afterSettle", function (event) {
    var marked = event.detail.elt.querySelector && event.detail.elt.querySelector(".entry.highlight");
    if (marked) marked.scrollIntoView({ block: "center" });
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
    } else if (status >= 400) {
      // Any other refusal (an expired form, a missing permission, a server error) would
      // otherwise change nothing on the page: say what the error page says, in the live
      // region, as text.
      sayRefusal(event.detail.xhr.responseText);
    }
  });

  function sayRefusal(html) {
    var region = document.getElementById("messages");
    if (!region) return;
    var page = new DOMParser().parseFromString(html || "", "text/html");
    var parts = page.querySelectorAll("main h1, main h1 ~ p");
    var text = Array.prototype.slice.call(parts, 0, 2).map(function (e) { return e.textContent.trim(); }).join(" ");
    var message = document.createElement("p");
    message.className = "message message-error";
    message.setAttribute("role", "alert");
    message.textContent = text || region.getAttribute("data-refused");
    region.replaceChildren(message);
  }

  // After an htmx swap focus goes to the user's next step, never to the page body
  // (WCAG 2.4.3): the error summary if the new content has one, else the element the
  // template marked data-focus (itself if it takes focus, else its first control),
  // else, when the swap took the focused element away, the swapped content itself;
  // never content that refreshes by itself (a job's progress, marked data-polled).
  // htmx settles the target and each out-of-band swap separately, so collect them and
  // decide once the whole answer has settled.
  var CONTROL = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, [tabindex]";
  var settled = [];
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!settled.length) window.queueMicrotask(focusNextStep);
    settled.push({ elt: event.target, target: event.detail.target });
  });

  function focusNextStep() {
    var swaps = settled;
    settled = [];
    var elts = swaps.map(function (s) { return s.elt; }).filter(function (e) { return e.isConnected; });
    var summary = findIn(elts, ".error-summary");
    var marked = findIn(elts, "[data-focus]");
    var active = document.activeElement;
    if (summary) {
      summary.focus();
    } else if (marked) {
      focusable(marked).focus();
    } else if (!active || active === document.body) {
      // An innerHTML swap keeps its target; an outerHTML swap's new content settles last.
      // The live region's out-of-band swap (a message) is never where the user goes on.
      var own = swaps.filter(function (s) {
        return !s.elt.closest("#messages") && !s.target.closest("[data-polled]");
      });
      var target = own.length ? own[0].target : null;
      var rest = own.map(function (s) { return s.elt; }).filter(function (e) { return e.isConnected; });
      var main = target && target.isConnected ? target : rest[rest.length - 1];
      if (main) {
        if (!main.matches(CONTROL)) main.setAttribute("tabindex", "-1");
        main.focus();
      }
    }
  }

  function findIn(elts, selector) {
    for (var i = 0; i < elts.length; i++) {
      var found = elts[i].matches(selector) ? elts[i] : elts[i].querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  function focusable(element) {
    if (element.matches(CONTROL)) return element;
    var control = element.querySelector(CONTROL);
    if (control) return control;
    element.setAttribute("tabindex", "-1");
    return element;
  }

  // Submit buttons are disabled and show progress while their form's request is in
  // flight, so a double tap never sends twice.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (e) { return e.type === "submit"; });
  }
  function setBusy(form, submitter, busy) {
    var buttons = submitButtons(form);
    buttons.forEach(function (button) {
      button.disabled = busy;
      button.removeAttribute("aria-busy");
    });
    var shown = submitter || buttons[0];
    if (busy && shown) shown.setAttribute("aria-busy", "true");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (form.tagName !== "FORM" || !trigger || trigger.type !== "submit") return;
    var xhr = event.detail.xhr;
    setBusy(form, trigger.submitter, true);  // htmx has read the form already
    xhr.addEventListener("loadend", function () {
      // A client redirect is about to load the next page: stay disabled until it does.
      var leaving = ["HX-Redirect", "HX-Location", "HX-Refresh"].some(function (header) {
        return xhr.getResponseHeader(header);
      });
      if (!leaving) setBusy(form, null, false);
    });
  });

  // A form without htmx (htmx cancels the submit events it sends itself): a second
  // submit is cancelled while the next page loads. Its buttons are disabled only after
  // the browser has read the form: a disabled submitter would not send its value.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    window.setTimeout(function () { setBusy(form, event.submitter, true); });
  });
  // Back to a page from the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      setBusy(form, null, false);
    });
  });

  // A running timer's time (the header, "Mine timer"): the server says its seconds so
  // far (data-timer-seconds), counted on from when the element was first seen, so the
  // phone's own clock does not matter; the minutes tick on in the page's words.
  function tickTimers() {
    var now = Date.now();
    document.querySelectorAll("[data-timer-seconds]").forEach(function (el) {
      if (!el.hasAttribute("data-timer-seen")) el.setAttribute("data-timer-seen", String(now));
      var seconds = Number(el.getAttribute("data-timer-seconds")) +
        (now - Number(el.getAttribute("data-timer-seen"))) / 1000;
      var minutes = Math.floor(seconds / 60);
      var hours = Math.floor(minutes / 60);
      var format = el.getAttribute(hours ? "data-hours-format" : "data-minutes-format");
      var text = format.replace("{h}", String(hours)).replace("{m}", String(minutes % 60));
      if (el.textContent !== text) el.textContent = text;
    });
  }

  function setup() {
    setupMenu();
    dropNoscript();
    tickTimers();
    window.setInterval(tickTimers, 10000);
    document.addEventListener("svenn:timers", tickTimers);  // a timer drawn by a script
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
