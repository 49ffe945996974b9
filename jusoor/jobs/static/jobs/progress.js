// Follows a background job's progress from its JSON status, without reloading the page.
// Without JavaScript the page reloads itself (see jobs/includes/progress.html).
(function () {
  "use strict";

  function show(box, state) {
    var field = function (name) { return box.querySelector('[data-job-field="' + name + '"]'); };
    field("percent").value = state.percent;
    field("percent").textContent = state.percent + "%";
    field("status_label").textContent = state.status_label;
    field("status_label").className = "job-status job-" + state.status;
    field("message").textContent = state.message;
    field("counts").textContent = state.total ? state.done + " / " + state.total : "";
    field("error").textContent = state.error;
    field("error").hidden = !state.error;
    if (state.download_url) {
      field("download").href = state.download_url;
      field("download").hidden = false;
    }
    var reload = field("reload");
    if (reload && state.finished) { reload.hidden = true; }
  }

  function follow(box) {
    var url = box.getAttribute("data-job-status-url");
    var reload = box.querySelector('[data-job-field="reload"]');
    if (reload) { reload.hidden = true; }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { if (reload) { reload.hidden = false; } return; }
          show(box, state);
          if (state.finished) {
            // The page around the bar may change too (a summary, links): load it once.
            if (box.getAttribute("data-job-was-running") === "1") { window.location.reload(); }
            return;
          }
          box.setAttribute("data-job-was-running", "1");
          window.setTimeout(poll, 1500);
        })
        .catch(function () { if (reload) { reload.hidden = false; } });
    }
    poll();
  }

  function start() {
    var boxes = document.querySelectorAll("[data-job-status-url]");
    for (var i = 0; i < boxes.length; i += 1) {
      if (!boxes[i].hasAttribute("data-job-followed")) {
        boxes[i].setAttribute("data-job-followed", "1");
        follow(boxes[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
