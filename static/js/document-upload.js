// Case documents: sent as the raw body with a progress bar, details in the query, CSRF token in a header.
(function () {
  "use strict";
  var form = document.getElementById("document-upload");
  if (!form) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var bar = form.querySelector("progress");
  var error = form.querySelector(".error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = form.querySelector('input[type="file"]').files[0];
    if (!file || !form.reportValidity()) { return; }
    var params = new URLSearchParams();
    params.set("title", form.querySelector('[name="title"]').value);
    params.set("kind", form.querySelector('[name="kind"]').value);
    form.querySelectorAll('[name="org_ids"]:checked').forEach(function (box) { params.append("org_ids", box.value); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.url + "?" + params.toString());
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Content-Disposition", "attachment; filename*=UTF-8''" + encodeURIComponent(file.name));
    bar.hidden = false;
    error.hidden = true;
    form.querySelector("button").disabled = true;
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
    xhr.onload = function () {
      if (xhr.status === 201) { window.location.hash = "documents"; window.location.reload(); return; }
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      error.textContent = form.dataset.failed + " " + ((body.error && body.error.message) || xhr.statusText);
      error.hidden = false;
      form.querySelector("button").disabled = false;
    };
    xhr.onerror = function () { error.textContent = form.dataset.failed + " network"; error.hidden = false; form.querySelector("button").disabled = false; };
    xhr.send(file);
  });
})();
