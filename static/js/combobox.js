// The pickers (core.forms.SearchSelect) as one control each: an ARIA combobox
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/, list autocomplete) made of the
// widget's own search box, over its <select>. Progressive enhancement only: without
// this file the search box and the <select> work as they are.
//
// The <select> stays the form's value and the source of the options: typing asks the
// server for the matches as before (htmx swaps <option>s into the select), and the
// list shown is drawn from the select's options after each swap. "No project" (the
// empty option) is always the list's last entry, so ArrowDown after a search lands on
// the first match, never on it.
(function () {
  "use strict";

  var counter = 0;

  function enhance(root) {
    root.querySelectorAll(".search-select:not([data-combobox])").forEach(setup);
  }

  function setup(widget) {
    var input = widget.querySelector(".search-select-q");
    var select = widget.querySelector("select");
    if (!input || !select) return;
    widget.setAttribute("data-combobox", "");
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var list = document.createElement("ul");
    list.id = select.id + "-listbox";
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    widget.appendChild(list);
    if (label) {
      label.id = label.id || select.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
      input.setAttribute("aria-labelledby", label.id);
      // The label names the visible control now: a click on it goes to the box.
      label.setAttribute("for", input.id = input.id || select.id + "-combobox");
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    });
    input.removeAttribute("aria-label");
    input.removeAttribute("placeholder");
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    var active = -1;
    var typed = false;
    var chosen = { value: select.value, text: "" };

    function chosenText() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.textContent.trim() : "";
    }
    function showChosen() {
      input.value = chosenText();
      chosen = { value: select.value, text: input.value };
      typed = false;
    }
    function options() {
      var all = Array.prototype.slice.call(select.options);
      var empty = all.filter(function (o) { return !o.value; });
      return all.filter(function (o) { return o.value; }).concat(empty);
    }
    function draw() {
      list.replaceChildren();
      options().forEach(function (option, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + (counter++);
        item.setAttribute("role", "option");
        item.setAttribute("data-value", option.value);
        item.setAttribute("aria-selected", String(option.selected && !!option.value));
        item.textContent = option.textContent.trim();
        list.appendChild(item);
      });
      setActive(-1);
    }
    function items() {
      return list.querySelectorAll("[role=option]");
    }
    function setActive(index) {
      var all = items();
      active = Math.max(-1, Math.min(index, all.length - 1));
      all.forEach(function (item, i) { item.classList.toggle("active", i === active); });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function open() {
      if (!list.hidden) return;
      draw();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    function pick(item) {
      select.value = item.getAttribute("data-value");
      if (select.value !== item.getAttribute("data-value")) select.value = "";
      close();
      showChosen();
      // What follows a choice (the project's customer) listens to the select.
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", function () {
      typed = true;
      open();
    });
    input.addEventListener("keydown", function (event) {
      var all = items();
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) open();
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) open();
        setActive(active <= 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();  // picks; Enter with the list closed saves the form
        pick(all[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        event.stopPropagation();  // closes the list, not the dialog
        close();
        showChosen();
      }
    });
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keeps the focus in the box
    });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) pick(item);
    });
    input.addEventListener("blur", function () {
      close();
      if (typed) showChosen();
    });
    input.addEventListener("focus", function () {
      input.select();
    });
    select.addEventListener("change", showChosen);
    // The matches of a search arrived: show them, the first one ready for ArrowDown.
    widget.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== select) return;
      // New matches never undo the choice made: it stays selected, among them or not.
      if (chosen.value && select.value !== chosen.value) {
        var kept = Array.prototype.find.call(select.options, function (o) { return o.value === chosen.value; });
        if (!kept) select.add(kept = new Option(chosen.text, chosen.value));  // after the matches
        kept.selected = true;
      } else if (!chosen.value) {
        select.value = "";
      }
      if (document.activeElement !== input) return;
      list.hidden = true;
      open();
    });
    showChosen();
  }

  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
