// A course page reached by a link or the menu counts as read: once the page has loaded,
// post to its "visad" address (data-read-url) with the page's CSRF token. Without
// JavaScript, "Nästa" records the page as before.
(function () {
  "use strict";
  function report() {
    var page = document.querySelector("[data-read-url]");
    var token = document.querySelector("input[name=csrf_token]");
    if (!page || !token) {
      return;
    }
    var body = new FormData();
    body.append("csrf_token", token.value);
    var sent = fetch(page.getAttribute("data-read-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true,
    });
    sent.then(function (response) {
      if (response.status === 204) {
        page.setAttribute("data-read", "true");
      }
    }).catch(function () {});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", report);
  } else {
    report();
  }
})();
