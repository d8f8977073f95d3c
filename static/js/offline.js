// Svenn without a connection, for a signed-in user (base.html's #offline says the
// words and addresses): the service worker, the writes kept on the phone while offline
// ("Venter på nett" in the week), sent by themselves when the connection is back, and
// logging out, which leaves nothing of the user's on the phone.
(function () {
  "use strict";
  var box = document.getElementById("offline");
  var queue = window.SvennQueue;
  if (!box || !queue || !window.indexedDB) return;
  var say = box.dataset;
  var USER = Number(say.user);
  var WEEK = say.week;
  var WRITE = new RegExp("^" + WEEK + "(?:(new)/|(\\d+)/(edit|delete)/)$");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(say.worker, { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "queue") afterReplay(event.data.changed);
    });
  }

  function message(text, error) {
    var region = document.getElementById("messages");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "message " + (error ? "message-error" : "message-info");
    if (error) p.setAttribute("role", "alert");
    p.textContent = text;
    region.replaceChildren(p);
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  // What the user typed, as the week shows an entry.
  function shown(form) {
    if (!form || form.tagName !== "FORM") return {};
    function value(name) {
      var field = form.elements[name];
      return field ? field.value.trim() : "";
    }
    function picked(name) {
      var field = form.elements[name];
      return field && field.value && field.selectedOptions ? field.selectedOptions[0].textContent.trim() : "";
    }
    return {
      date: value("date"), hours: value("hours"), project: picked("project"),
      customer: picked("customer"), description: value("description"),
    };
  }

  function isoDate(text) {
    var m = /^(\d{1,2})[.,](\d{1,2})[.,](\d{2}|\d{4})$/.exec(text || "");
    if (m) {
      var year = m[3].length === 2 ? "20" + m[3] : m[3];
      return year + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
    }
    return /^\d{4}-\d{2}-\d{2}$/.test(text || "") ? text : null;
  }

  // A write htmx could not send: kept on the phone with every field of its form.
  document.addEventListener("htmx:sendError", function (event) {
    var config = event.detail.requestConfig;
    if (!config) return;
    if (config.verb !== "post") {
      // A page htmx asked for that is not kept; a list that refreshes by itself waits.
      if (!config.elt.closest("[data-polled]")) message(say.noPage, false);
      return;
    }
    var url = new URL(config.path, window.location.href);
    var match = WRITE.exec(url.pathname);
    if (!match) {
      message(say.noConnection, true);
      return;
    }
    var fields = [];
    config.formData.forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
    });
    if (!config.formData.has("csrfmiddlewaretoken") && config.headers["X-CSRFToken"]) {
      fields.push(["csrfmiddlewaretoken", config.headers["X-CSRFToken"]]);
    }
    var item = {
      user: USER,
      url: url.pathname,
      kind: match[1] ? "create" : match[3],
      entry: match[2] ? Number(match[2]) : null,
      fields: fields,
      shown: shown(config.elt),
      state: "waiting",
      at: Date.now(),
    };
    queue.add(item).then(function () {
      var dialog = config.elt.closest("dialog");
      if (dialog && dialog.open) dialog.close();
      render();
      message(say.queued);
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register("svenn-queue");
        }).catch(function () {});
      }
    });
  });

  // The server's words for a refused write: its form's errors, else its message or
  // error page.
  function refusal(item) {
    var page = new DOMParser().parseFromString(item.answer || "", "text/html");
    var parts = page.querySelectorAll(".error-summary li, .message-error, main h1 ~ p");
    var texts = Array.prototype.map.call(parts, function (e) { return e.textContent.trim(); });
    return texts.filter(Boolean).slice(0, 3).join(" ") || say.refusedDefault;
  }

  function summary(item) {
    var s = item.shown || {};
    var hours = s.hours ? s.hours + " " + say.hoursUnit : "";
    return [s.date, hours, s.project, s.customer, s.description].filter(Boolean).join(" · ");
  }

  function badge(text, className) {
    var b = element("span", "badge " + className, text);
    b.setAttribute("data-offline-item", "");
    return b;
  }

  // A waiting write where the week shows it: a new entry in its day, a change or a
  // delete on its entry. Returns false where the week does not show it.
  function place(item) {
    if (item.kind === "create") {
      var day = isoDate(item.shown && item.shown.date);
      var heading = day && document.getElementById("day-" + day);
      if (!heading) return false;
      var section = heading.closest("section.day");
      var list = section.querySelector("ul.entries");
      if (!list) {
        list = element("ul", "entries");
        list.setAttribute("data-offline-item", "");
        section.appendChild(list);
      }
      var li = element("li", "entry pending");
      li.setAttribute("data-offline-item", "");
      li.appendChild(element("div", "entry-hours", item.shown.hours ? item.shown.hours + " " + say.hoursUnit : ""));
      var text = element("div", "entry-text");
      if (item.shown.project) text.appendChild(element("span", "entry-project", item.shown.project));
      if (item.shown.customer) text.appendChild(element("span", "entry-customer", item.shown.customer));
      if (item.shown.description) text.appendChild(element("p", "entry-description", item.shown.description));
      li.appendChild(text);
      var actions = element("div", "entry-actions");
      actions.appendChild(badge(say.waiting, "pending"));
      li.appendChild(actions);
      list.appendChild(li);
      return true;
    }
    var entry = document.getElementById("entry-" + item.entry);
    if (!entry) return false;
    var label = (item.kind === "delete" ? say.deleting : say.changing) + " · " + say.waiting;
    var where = entry.querySelector(".entry-actions") || entry;
    where.insertBefore(badge(label, "pending"), where.firstChild);
    return true;
  }

  // Refused writes, and waiting ones the week does not show: above the days, each with
  // the input, the server's words and "Forkast".
  function listBox(items) {
    var section = element("section", "offline-queue card");
    section.setAttribute("data-offline-item", "");
    section.setAttribute("aria-labelledby", "offline-queue-title");
    var title = element("h3", "", say.heading);
    title.id = "offline-queue-title";
    section.appendChild(title);
    var list = element("ul");
    items.forEach(function (item) {
      var li = element("li", "offline-write");
      var refused = item.state === "refused";
      var what = item.kind === "delete" ? say.deleting : item.kind === "edit" ? say.changing : "";
      li.appendChild(element("span", "", [what, summary(item)].filter(Boolean).join(": ")));
      li.appendChild(document.createTextNode(" "));
      var mark = badge(refused ? say.refused : say.waiting, refused ? "danger" : "pending");
      mark.removeAttribute("data-offline-item");
      li.appendChild(mark);
      if (refused) {
        li.appendChild(element("p", "message message-error", refusal(item)));
        var discard = element("button", "button small", say.discard);
        discard.type = "button";
        discard.setAttribute("data-offline-discard", String(item.id));
        li.appendChild(discard);
      }
      list.appendChild(li);
    });
    section.appendChild(list);
    return section;
  }

  function render() {
    return queue.all().then(function (items) {
      document.querySelectorAll("[data-offline-item]").forEach(function (e) { e.remove(); });
      var week = document.getElementById("week");
      if (!week || !week.hasAttribute("data-own")) return;
      var rest = items.filter(function (item) {
        return item.user === USER && !(item.state === "waiting" && place(item));
      });
      if (rest.length) week.insertBefore(listBox(rest), week.querySelector(".days"));
    }).catch(function () {});
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-offline-discard]");
    if (!button) return;
    queue.remove(Number(button.getAttribute("data-offline-discard"))).then(render);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    render();
    if (event.detail.elt && event.detail.elt.id === "week") keepPages();  // another week shown
  });

  function afterReplay(changed) {
    render();
    if (!changed) return;
    queue.all().then(function (items) {
      var refused = items.some(function (i) { return i.state === "refused"; });
      message(refused ? say.someRefused : say.sent, refused);
    });
    var week = document.getElementById("week");
    if (week && window.htmx && week.hasAttribute("data-own")) {
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#week", swap: "outerHTML" });
    }
  }

  function replay() {
    if (!navigator.onLine) return;
    queue.replay(say.login, USER).then(function (result) { afterReplay(result.changed); }, function () {});
  }
  window.addEventListener("online", replay);

  // This week, the last one and the entry forms, kept by the worker for a building
  // site without a connection (only where they are not kept already).
  function keepPages() {
    var week = document.getElementById("week");
    if (!week || !week.hasAttribute("data-own") || !navigator.serviceWorker || !navigator.onLine) return;
    navigator.serviceWorker.ready.then(function (registration) {
      var urls = [[WEEK, "page"], [WEEK + "new/", "page"], [WEEK + "new/", "part"]];
      var previous = document.getElementById("week-previous");
      if (previous) urls.push([previous.getAttribute("href"), "page"], [previous.getAttribute("href"), "part"]);
      week.querySelectorAll("a[hx-get*='/edit/']").forEach(function (a) { urls.push([a.getAttribute("hx-get"), "part"]); });
      if (registration.active) registration.active.postMessage({ type: "keep", urls: urls });
    }).catch(function () {});
  }

  function clearPages() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return /^svenn-(pages|parts)-/.test(n); })
        .map(function (n) { return caches.delete(n); }));
    });
  }

  // "Logg ut": first the writes kept on the phone and the kept pages (a warning where
  // some still wait), then the form. The server's answer clears the site's storage too.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-logout") || form.hasAttribute("data-cleared")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    queue.all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
      if (waiting && !window.confirm(say.logoutWaiting)) return;
      try { window.localStorage.removeItem("htmx-history-cache"); } catch (e) { /* none kept */ }
      return Promise.all([queue.clear(), queue.setUser(null), clearPages()]).catch(function () {}).then(function () {
        form.setAttribute("data-cleared", "");
        form.submit();
      });
    });
  }, true);

  // This user's phone now: what another user left (their kept pages, writes they did
  // not send before their session ended) is not theirs to read, nor to send.
  function signIn() {
    return queue.user().then(function (last) {
      var work = [queue.setUser(USER)];
      if (last !== USER) work.push(clearPages());
      work.push(queue.all().then(function (items) {
        return Promise.all(items.filter(function (i) { return i.user !== USER; }).map(function (i) {
          return queue.remove(i.id);
        }));
      }));
      return Promise.all(work);
    }).catch(function () {});
  }

  function setup() {
    signIn().then(function () {
      render();
      replay();
    });
    if (document.readyState === "complete") keepPages();
    else window.addEventListener("load", keepPages);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
