// The bulk-filing form sends the sheet and its ZIP with a progress bar: a ZIP of evidence can take minutes.
// The portal answers with the batch's report (after a redirect) or the form again with its errors.
(function () {
  "use strict";
  var form = document.getElementById("batch-form");
  if (!form) { return; }
  var bar = document.getElementById("batch-progress");
  var error = form.querySelector(".upload-error");
  var button = form.querySelector('button[type="submit"]');
  var label = button.textContent;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.location.assign(xhr.responseURL);
        return;
      }
      // The form again, with the errors next to its fields.
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("main");
      if (page) { document.querySelector("main").replaceWith(page); }
      else { fail(); }
    });
    xhr.addEventListener("error", fail);
    bar.hidden = false;
    bar.value = 0;
    error.hidden = true;
    button.disabled = true;
    button.textContent = form.dataset.sending;
    xhr.send(new FormData(form));
  });
  function fail() {
    error.textContent = form.dataset.failed;
    error.hidden = false;
    button.disabled = false;
    button.textContent = label;
  }
  document.documentElement.dataset.batch = "ready";
})();
