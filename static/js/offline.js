// Svenn without a connection, for a signed-in user (base.html's #offline says the
// words and addresses): the service worker, the writes kept on the phone while offline
// ("Venter på nett" in the week), sent by themselves when the connection is back, and
// logging out, which leaves nothing of the user's on the phone. The timer too: a start
// kept on the phone shows as running (its "Stopp" and "Forkast" kept in turn), a stop
// as its hours in its day; the queue sends them with how long ago they were tapped.
(function () {
  "use strict";
  var box = document.getElementById("offline");
  var queue = window.SvennQueue;
  if (!box || !queue || !window.indexedDB) return;
  var say = box.dataset;
  var USER = Number(say.user);
  var WEEK = say.week;
  var WRITE = new RegExp("^" + WEEK + "(?:(new)/|(\\d+)/(edit|delete)/|timer/(?:(start)|([0-9a-f-]{36})/(stop|discard))/)$");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(say.worker, { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "queue") afterReplay(event.data.result);
    });
  }

  function message(text, error, link) {
    var region = document.getElementById("messages");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "message " + (error ? "message-error" : "message-info");
    if (error) p.setAttribute("role", "alert");
    p.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link[0];
      a.textContent = link[1];
      p.append(" ", a);
    }
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
      kind: match[1] ? "create" : match[3] || "timer-" + (match[4] || match[6]),
      entry: match[2] ? Number(match[2]) : null,
      fields: fields,
      shown: shown(config.elt),
      state: "waiting",
      at: Date.now(),
    };
    if (match[4]) {
      item.timer = config.formData.get("timer_key") || null;
      if (!item.timer) { message(say.noConnection, true); return; }
      item.shown = startShown(config.elt, item.shown);
    } else if (match[5]) {
      item.timer = match[5];
      var end = config.formData.get("end");
      item.shown = match[6] === "stop" ? stoppedShown(serverTimer(match[5]), end, item.at) : {};
    }
    keep(item, config.elt);
  });

  function keep(item, elt) {
    described = null;
    return queue.add(item).then(function () {
      var dialog = elt && elt.closest("dialog");
      if (dialog && dialog.open) dialog.close();
      render();
      message(say.queued);
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register("svenn-queue");
        }).catch(function () {});
      }
      replay();  // a tap on a timer started offline, perhaps with the connection back
    });
  }

  // The timer ------------------------------------------------------------------
  // What a start runs on: the entry form's project and customer, or the one-tap
  // project's button ("Mine timer").
  function startShown(form, typed) {
    var field = form && form.elements && form.elements.project;
    if (field && field.type === "hidden") {
      var button = form.querySelector("button");
      return { project: button ? button.textContent.trim() : "" };
    }
    return { project: typed.project, customer: typed.customer };
  }

  function isoDay(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }

  // The timer the server showed (_timer.html), as a stop needs it: its day, what it
  // runs on, its seconds at ``at`` (as the page counts them, not by the phone's clock)
  // and to midnight.
  function serverTimer(key) {
    var card = document.querySelector("#timer[data-timer-key='" + key + "']");
    if (!card) return null;
    var elapsed = card.querySelector("[data-timer-seconds]");
    var seen = Number(elapsed.getAttribute("data-timer-seen")) || Date.now();
    var text = function (selector) {
      var e = card.querySelector(".timer-what " + selector);
      return e ? e.textContent.trim() : "";
    };
    return {
      day: card.getAttribute("data-timer-day"),
      project: text(".entry-project"),
      customer: text(".entry-customer"),
      secondsAt: function (at) { return Number(elapsed.getAttribute("data-timer-seconds")) + (at - seen) / 1000; },
      midnight: Number(card.getAttribute("data-midnight-seconds")),
    };
  }

  // A timer started on the phone: its day and midnight by the phone's clock.
  function keptTimer(start) {
    var d = new Date(start.at);
    var midnight = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    return {
      day: isoDay(start.at),
      project: start.shown.project,
      customer: start.shown.customer,
      secondsAt: function (at) { return (at - start.at) / 1000; },
      midnight: (midnight - start.at) / 1000,
    };
  }

  // A stopped timer as the week shows its entry until the server has it: its hours
  // to the hundredth (the server rounds them as the firm chooses).
  function stoppedShown(timer, end, at) {
    if (!timer) return {};
    var seconds = end === "midnight" ? timer.midnight : timer.secondsAt(at);
    var hours = Math.max(Math.round(seconds / 36), 1) / 100;
    return {
      date: timer.day,
      hours: hours.toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 2 }),
      project: timer.project,
      customer: timer.customer,
    };
  }

  function button(text, className, what, key, end) {
    var b = element("button", "button " + className, text);
    b.type = "button";
    b.setAttribute("data-offline-timer", what);
    b.setAttribute("data-key", key);
    if (end) b.setAttribute("data-end", end);
    return b;
  }

  // A start waiting for the network, drawn as _timer.html draws a running timer, its
  // time counted from the tap; before today, the midnight rule's question.
  function timerCard(start) {
    var section = element("section", "card timer");
    section.setAttribute("data-offline-item", "");
    section.setAttribute("aria-labelledby", "timer-kept-title");
    var title = element("h2", "timer-title", say.timerRunning);
    title.id = "timer-kept-title";
    section.appendChild(title);
    var what = element("p", "timer-what");
    if (start.shown.project) what.appendChild(element("span", "entry-project", start.shown.project));
    if (start.shown.customer) what.appendChild(element("span", "entry-customer", start.shown.customer));
    section.appendChild(what);
    var when = element("p", "timer-when");
    when.appendChild(element("span", "badge pending", say.waiting));
    when.appendChild(document.createTextNode(" · "));
    var elapsed = element("span", "timer-elapsed");
    elapsed.setAttribute("data-timer-seconds", String(Math.max(0, Math.floor((Date.now() - start.at) / 1000))));
    elapsed.setAttribute("data-hours-format", say.hoursFormat);
    elapsed.setAttribute("data-minutes-format", say.minutesFormat);
    when.appendChild(elapsed);
    section.appendChild(when);
    var actions = element("div", "timer-actions");
    if (isoDay(start.at) < isoDay(Date.now())) {
      section.classList.add("overnight");
      section.appendChild(element("p", "", say.overnight));
      actions.appendChild(button(say.stopMidnight, "primary", "stop", start.timer, "midnight"));
      actions.appendChild(button(say.stopNow, "", "stop", start.timer, "now"));
    } else {
      actions.appendChild(button(say.stop, "primary", "stop", start.timer));
    }
    var discard = button(say.discard, "danger", "discard", start.timer);
    discard.setAttribute("data-confirm", say.discardConfirm);
    actions.appendChild(discard);
    section.appendChild(actions);
    return section;
  }

  // "Stopp" or "Forkast" of a timer started on the phone: kept after its start.
  document.addEventListener("click", function (event) {
    var tapped = event.target.closest("[data-offline-timer]");
    if (!tapped) return;
    var at = Date.now();
    var key = tapped.getAttribute("data-key");
    var what = tapped.getAttribute("data-offline-timer");
    var end = tapped.getAttribute("data-end");
    queue.all().then(function (items) {
      var start = items.filter(function (i) { return i.user === USER && i.kind === "timer-start" && i.timer === key; })[0];
      if (!start) return;
      var csrf = start.fields.filter(function (pair) { return pair[0] === "csrfmiddlewaretoken"; })[0];
      var fields = [["form_token", window.crypto.randomUUID()]];
      if (csrf) fields.push(csrf);
      if (end) fields.push(["end", end]);
      keep({
        user: USER,
        url: WEEK + "timer/" + key + "/" + what + "/",
        kind: "timer-" + what,
        entry: null,
        timer: key,
        fields: fields,
        shown: what === "stop" ? stoppedShown(keptTimer(start), end, at) : {},
        state: "waiting",
        at: at,
      });
    });
  });

  // After a tap of the timer was sent: the timer (or the taps that start one) and the
  // header's pill as the server has them now.
  function refreshTimer() {
    return fetch(WEEK, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || new URL(response.url).pathname !== WEEK) return null;
      return response.text();
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var area = document.getElementById("timer-area");
      var now = fresh.getElementById("timer-area");
      if (area && now) {
        area.replaceWith(now);
        if (window.htmx) window.htmx.process(now);
      }
      var pill = document.querySelector(".timer-pill");
      var freshPill = fresh.querySelector(".timer-pill");
      if (pill && freshPill) pill.replaceWith(freshPill);
      else if (pill) pill.remove();
      else if (freshPill && document.querySelector(".topbar .menu-toggle")) document.querySelector(".topbar .menu-toggle").before(freshPill);
      document.dispatchEvent(new Event("svenn:timers"));
      render();
    }).catch(function () {});
  }

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
    if (item.kind === "create" || item.kind === "timer-stop") {
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
      var what = { "delete": say.deleting, edit: say.changing, "timer-start": say.timerStart,
        "timer-stop": say.timerStop, "timer-discard": say.timerDiscard }[item.kind] || "";
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

  function hide(e) {
    if (!e) return;
    e.hidden = true;
    e.setAttribute("data-offline-hid", "");
  }

  // The timer as the waiting taps leave it: a start drawn running until its stop or
  // discard; the server's timer hidden once a stop or discard of it waits.
  function placeTimer(item, items) {
    var ended = items.some(function (i) {
      return i.state === "waiting" && i.timer === item.timer && i.kind !== "timer-start";
    });
    if (item.kind === "timer-start") {
      if (!ended) {
        var area = document.getElementById("timer-area");
        if (!area) return false;
        hide(area.querySelector(".timer-start"));
        area.appendChild(timerCard(item));
      }
      return true;
    }
    var card = document.querySelector("#timer[data-timer-key='" + item.timer + "']");
    if (card) {
      hide(card);
      hide(document.querySelector(".timer-pill"));
    }
    return item.kind === "timer-discard" || place(item);
  }

  function render() {
    return queue.all().then(function (items) {
      document.querySelectorAll("[data-offline-item]").forEach(function (e) { e.remove(); });
      document.querySelectorAll("[data-offline-hid]").forEach(function (e) {
        e.hidden = false;
        e.removeAttribute("data-offline-hid");
      });
      var week = document.getElementById("week");
      if (!week || !week.hasAttribute("data-own")) return;
      items = items.filter(function (item) { return item.user === USER; });
      var rest = items.filter(function (item) {
        if (item.state !== "waiting") return true;
        return !(item.timer ? placeTimer(item, items) : place(item));
      });
      if (rest.length) week.insertBefore(listBox(rest), week.querySelector(".days"));
      document.dispatchEvent(new Event("svenn:timers"));
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

  // The entry of a stopped timer a replay saved, to be described: kept until the next
  // write is kept, since the page and the worker may both replay, and the second finds
  // the stop saved already.
  var described = null;

  function afterReplay(result) {
    render();
    if (!result || !result.changed) return;
    if (result.described && result.described.length) described = result.described[result.described.length - 1];
    queue.all().then(function (items) {
      var refused = items.some(function (i) { return i.state === "refused" && i.user === USER; });
      if (refused) message(say.someRefused, true);
      else if (described) message(say.timerSent, false, [described, say.describe]);
      else message(say.sent, false);
    });
    if (result.timer) refreshTimer();
    var week = document.getElementById("week");
    if (week && window.htmx && week.hasAttribute("data-own")) {
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#week", swap: "outerHTML" });
    }
  }

  function replay() {
    if (!navigator.onLine) return;
    queue.replay(say.login, USER).then(afterReplay, function () {});
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
  // not send before their session ended) is not theirs to read, nor to send. A phone
  // nobody had (new, or logged out of, which emptied it) keeps what this first page
  // of the user's is keeping already.
  function signIn() {
    return queue.user().then(function (last) {
      var work = [queue.setUser(USER)];
      if (last != null && last !== USER) work.push(clearPages());
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
