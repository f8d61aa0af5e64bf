// Gruppomgång: the leader's screen and the phones poll the session's small JSON state
// (data-group-poll) with If-None-Match; a 304 means nothing changed. When the position or
// status changes the page is loaded again (the server renders it). On the leader's screen
// the code, the list of people and the counts are updated in place. Without JavaScript,
// "Uppdatera" reloads the page.
(function () {
  "use strict";
  var root = document.querySelector("[data-group-poll]");
  if (!root || !window.fetch) {
    return;
  }
  var leader = root.getAttribute("data-role") === "leader";
  var every = leader ? 2000 : 3000;
  var etag = null;
  var seen = {
    position: root.getAttribute("data-position"),
    status: root.getAttribute("data-status"),
    joining: root.getAttribute("data-joining") === "true",
    present: Number(root.getAttribute("data-present")),
    code: root.getAttribute("data-code") || null,
  };

  function replace(selector, url) {
    var box = document.querySelector(selector);
    if (!box || !url) {
      return;
    }
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          box.innerHTML = html;
        }
      })
      .catch(function () {});
  }

  // The element's data-template (in the interface language) with {name} filled from state.
  function setFromTemplate(selector, state) {
    document.querySelectorAll(selector).forEach(function (element) {
      var text = element.getAttribute("data-template").replace(/\{(\w+)\}/g, function (all, name) {
        return String(state[name]);
      });
      if (element.textContent !== text) {
        element.textContent = text;
      }
    });
  }

  function apply(state) {
    if (state.position !== seen.position || state.status !== seen.status) {
      window.location.reload();
      return;
    }
    if (!leader) {
      return;
    }
    if (state.present !== seen.present) {
      replace("[data-participants]", root.getAttribute("data-participants-url"));
      setFromTemplate("[data-present-text]", state);
    }
    if (state.joining !== seen.joining || (state.code || null) !== seen.code) {
      replace("[data-code-box]", root.getAttribute("data-code-url"));
    }
    setFromTemplate("[data-answered]", state);
    seen.present = state.present;
    seen.joining = state.joining;
    seen.code = state.code || null;
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(root.getAttribute("data-group-poll"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
    })
      .then(function (response) {
        if (response.status === 404) {
          window.location.reload(); // removed, or gone: the page says so
          return null;
        }
        if (response.status !== 200) {
          return null; // 304: nothing changed
        }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (state) {
          apply(state);
        }
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(poll, every);
      });
  }

  if (leader) {
    window.setInterval(function () {
      var counter = document.querySelector("[data-code-seconds]");
      var left = counter ? Number(counter.textContent) : 0;
      if (counter && left > 1) {
        counter.textContent = String(left - 1);
      }
    }, 1000);
  }
  window.setTimeout(poll, every);
})();
