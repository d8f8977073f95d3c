// The writes kept on the phone while it has no connection (IndexedDB), shared by the
// pages (offline.js) and the service worker (Background Sync). A write is kept with
// every field of its form, the one-time form token included, so sending it twice (from
// a page and from the worker, or after an answer that was lost) saves it once. Each is
// its user's: only sent while that user is signed in (the "user" the pages last said,
// which the worker forgets when the login page is shown), never as someone else.
// A tap of the timer ("Start", "Stopp", "Forkast") is sent with how many milliseconds
// ago it was tapped, by the phone's own count: the server takes its moment as its own
// now less that, so the hours are the time between the taps, whenever they arrive and
// whatever the phone's clock says.
(function (scope) {
  "use strict";
  var DB = "svenn-offline";
  var STORE = "writes";
  var META = "meta";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 2);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work, store) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store || STORE, mode);
        var request = work(tx.objectStore(store || STORE));
        tx.oncomplete = function () { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  var queue = {
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    add: function (item) { return run("readwrite", function (s) { return s.add(item); }); },
    put: function (item) { return run("readwrite", function (s) { return s.put(item); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    clear: function () { return run("readwrite", function (s) { return s.clear(); }); },
    // The signed-in user (a page says so), or null (signed out: nothing is sent).
    user: function () { return run("readonly", function (s) { return s.get("user"); }, META); },
    setUser: function (id) { return run("readwrite", function (s) { return s.put(id, "user"); }, META); },
  };

  // One write as its form would have sent it (as htmx, so the answer is a fragment):
  // "saved" (a repeat answers 204), "refused" with the server's page (a 4xx: approved
  // meanwhile, a closed project, a 409), or "waiting" (no connection, a server error,
  // or signed out: it goes again later).
  function send(item, login) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    if (item.timer) body.append("tapped_ms_ago", String(Math.max(0, Math.round(Date.now() - item.at))));
    return fetch(item.url, {
      method: "POST",
      body: body,
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    }).then(function (response) {
      if (new URL(response.url).pathname === login) return { state: "waiting" };
      if (response.ok) return { state: "saved", location: response.headers.get("HX-Redirect") };
      if (response.status >= 500) return { state: "waiting" };
      return response.text().then(function (html) {
        return { state: "refused", status: response.status, answer: html.slice(0, 100000) };
      });
    }, function () {
      return { state: "waiting" };
    });
  }

  // Every waiting write of ``user``, oldest first (a timer's start before its stop),
  // one at a time; the first that cannot go keeps the rest waiting too. Resolves to
  // {changed, waiting, timer: whether a tap of the timer was saved, described: where
  // the entries of stopped timers are opened for their description}.
  var running = null;
  queue.replay = function (login, user) {
    if (running) return running;
    running = queue.all().then(function (items) {
      var changed = false;
      var timer = false;
      var described = [];
      var waiting = items.filter(function (i) { return i.state === "waiting" && user && i.user === user; });
      var left = waiting.length;
      return waiting.reduce(function (chain, item) {
        return chain.then(function (stopped) {
          if (stopped) return true;
          return send(item, login).then(function (result) {
            if (result.state === "waiting") return true;
            changed = true;
            left -= 1;
            if (result.state === "saved") {
              timer = timer || Boolean(item.timer);
              if (item.kind === "timer-stop" && result.location) described.push(result.location);
              return queue.remove(item.id).then(function () { return false; });
            }
            item.state = "refused";
            item.status = result.status;
            item.answer = result.answer;
            return queue.put(item).then(function () { return false; });
          });
        });
      }, Promise.resolve(false)).then(function () {
        return { changed: changed, waiting: left, timer: timer, described: described };
      });
    });
    var done = function () { running = null; };
    running.then(done, done);
    return running;
  };

  scope.SvennQueue = queue;
})(self);
