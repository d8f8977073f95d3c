// Svenn's service worker (served as /sw.js by svenn/offline.py, which sets self.SVENN).
// It keeps the app shell, and the signed-in user's "Mine timer" and entry form of this
// week and the last one, for a building site without a connection; nothing else, and
// never an answer to a POST. Logging out empties the caches of pages (offline.js).
(function () {
  "use strict";
  var C = self.SVENN;
  var SHELL = "svenn-shell-" + C.release;
  var PAGES = "svenn-pages-" + C.release; // whole pages, as a navigation gets them
  var PARTS = "svenn-parts-" + C.release; // the fragments htmx asks for (the dialog)
  var KEEP = [SHELL, PAGES, PARTS];
  var WEEK = C.week;
  var FORM = new RegExp("^" + WEEK + "(new/|\\d+/edit/)$");
  var WRITE = new RegExp("^" + WEEK + "(new/|copy/|\\d+/edit/|\\d+/delete/|timer/)");

  self.addEventListener("install", function (event) {
    event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(C.shell); }));
    self.skipWaiting();
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("svenn-") === 0 && KEEP.indexOf(n) < 0;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); }));
  });

  // The ISO week of a day, as ?week= writes it ("2026-W49").
  function isoWeek(day) {
    var d = new Date(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate()));
    d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
    var first = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
    var number = Math.ceil(((d - first) / 86400000 + 1) / 7);
    return d.getUTCFullYear() + "-W" + (number < 10 ? "0" : "") + number;
  }

  // The key a page is kept under, or null for a page that is not kept: the user's own
  // week (this one or the last), the new entry form, an entry's form.
  function keyOf(url) {
    if (url.origin !== self.location.origin) return null;
    if (url.pathname === WEEK) {
      if (url.searchParams.has("user")) return null;
      var week = url.searchParams.get("week");
      if (!week) return WEEK;
      var now = new Date();
      var last = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7);
      week = week.toUpperCase();
      return week === isoWeek(now) || week === isoWeek(last) ? WEEK + "?week=" + week : null;
    }
    if (FORM.test(url.pathname)) {
      var date = url.searchParams.get("date");
      return url.pathname + (date ? "?date=" + encodeURIComponent(date) : "");
    }
    return null;
  }

  function isHtmx(request) {
    return request.headers.get("HX-Request") === "true";
  }

  // A kept page is shown with new one-time tokens and timer keys: the kept ones may
  // have been used (a form saved while online), and one form opened twice makes two
  // entries. An entry
  // form kept for another day opens on the day asked for.
  function fromCache(response, url) {
    return response.text().then(function (html) {
      html = html.replace(/(name="(?:form_token|timer_key)" value=")[^"]*/g, function (m, start) {
        return start + self.crypto.randomUUID();
      });
      var date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(url.searchParams.get("date") || "");
      if (date) {
        var shown = date[3] + "." + date[2] + "." + date[1];
        html = html.replace(/(<input[^>]*name="date"[^>]*value=")[^"]*/, "$1" + shown);
      }
      return new Response(html, { status: 200, headers: response.headers });
    });
  }

  function keep(name, key, response) {
    if (!response.ok || response.redirected || response.type !== "basic") return Promise.resolve();
    return caches.open(name).then(function (cache) { return cache.put(key, response); });
  }

  function lookUp(name, key, url) {
    return caches.open(name).then(function (cache) {
      return cache.match(key).then(function (hit) {
        // An entry form for another day: the new entry form as kept.
        return hit || (url.pathname === WEEK + "new/" ? cache.match(WEEK + "new/", { ignoreSearch: true }) : hit);
      });
    });
  }

  // The network first, so a page is never older than it must be; the kept copy
  // without a connection, else the offline page (a fragment: a network error, which
  // the page says).
  function networkFirst(event, key, url) {
    var name = isHtmx(event.request) ? PARTS : PAGES;
    return fetch(event.request).then(function (response) {
      if (new URL(response.url).pathname === C.login) event.waitUntil(signedOut());
      else event.waitUntil(keep(name, key, response.clone()));
      return response;
    }, function () {
      return lookUp(name, key, url).then(function (hit) {
        if (hit) return fromCache(hit, url);
        if (event.request.mode === "navigate") return caches.match(C.offline);
        return Response.error();
      });
    });
  }

  function cacheFirst(event) {
    return caches.match(event.request).then(function (hit) {
      return hit || fetch(event.request).then(function (response) {
        event.waitUntil(keep(SHELL, event.request, response.clone()));
        return response;
      });
    });
  }

  // After a write the kept weeks are fetched again, and the changed entry's forms
  // dropped (the page keeps them again, as they are now).
  // Fetches of the worker's own never follow a redirect: once the session has ended
  // they would land on the login page, whose answer sets a new CSRF cookie while the
  // user's own login page, loading at the same moment, holds the old one ("CSRF token
  // incorrect" on signing in).
  function refresh(url) {
    var entry = /(\d+)\/(edit|delete)\/$/.exec(url.pathname);
    return Promise.all([PAGES, PARTS].map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.map(function (request) {
            var path = new URL(request.url).pathname;
            if (entry && path === WEEK + entry[1] + "/edit/") return cache.delete(request);
            if (path !== WEEK) return null;
            var headers = name === PARTS ? { "HX-Request": "true" } : {};
            return fetch(request.url, { headers: headers, credentials: "same-origin", redirect: "manual" }).then(function (response) {
              return keep(name, request.url, response);
            }, function () { return null; });
          }));
        });
      });
    }));
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) return;
    if (request.method === "POST") {
      if (!WRITE.test(url.pathname)) return;
      event.respondWith(fetch(request).then(function (response) {
        if (response.ok || response.type === "opaqueredirect") event.waitUntil(refresh(url));
        return response;
      }));
      return;
    }
    if (request.method !== "GET") return;
    if (url.pathname.indexOf(C.static) === 0) {
      event.respondWith(cacheFirst(event));
      return;
    }
    var key = keyOf(url);
    if (key) {
      event.respondWith(networkFirst(event, key, url));
    } else if (request.mode === "navigate") {
      event.respondWith(fetch(request).then(function (response) {
        if (new URL(response.url).pathname === C.login) event.waitUntil(signedOut());
        return response;
      }, function () { return caches.match(C.offline); }));
    }
  });

  // The login page: the session has ended (logged out, or expired). Its kept pages go,
  // and its waiting writes are sent for nobody until a page says who is signed in.
  function signedOut() {
    return Promise.all([
      self.SvennQueue.setUser(null),
      caches.delete(PAGES),
      caches.delete(PARTS),
    ]).catch(function () {});
  }

  // From a page: keep these pages (this week, the last one, the entry forms) where
  // they are not kept yet. [url, "page" | "part"] each.
  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type !== "keep") return;
    event.waitUntil(Promise.all(data.urls.map(function (pair) {
      var url = new URL(pair[0], self.location.origin);
      var key = keyOf(url);
      if (!key) return null;
      var name = pair[1] === "part" ? PARTS : PAGES;
      return caches.open(name).then(function (cache) {
        return cache.match(key).then(function (hit) {
          if (hit) return null;
          var headers = name === PARTS ? { "HX-Request": "true" } : {};
          return fetch(url.href, { headers: headers, credentials: "same-origin", redirect: "manual" }).then(function (response) {
            return keep(name, key, response);
          }, function () { return null; });
        });
      });
    })));
  });

  // Background Sync: the connection is back, perhaps with no page of Svenn open.
  self.addEventListener("sync", function (event) {
    if (event.tag !== "svenn-queue") return;
    event.waitUntil(self.SvennQueue.user().then(function (user) {
      return self.SvennQueue.replay(C.login, user);
    }).then(function (result) {
      return self.clients.matchAll({ type: "window" }).then(function (clients) {
        clients.forEach(function (client) { client.postMessage({ type: "queue", result: result }); });
        if (result.waiting) throw new Error("Still waiting for the connection");
      });
    }));
  });
})();
