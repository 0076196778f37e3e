// A file sent as the raw body with a progress bar: the form's other fields go in the query,
// the CSRF token in a header. Used for case documents and powers of attorney.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]').content;
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    var error = form.querySelector(".upload-error");
    var button = form.querySelector('button[type="submit"]');
    function fail(message) {
      error.textContent = form.dataset.failed + " " + message;
      error.hidden = false;
      button.disabled = false;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = form.querySelector('input[type="file"]').files[0];
      if (!file || !form.reportValidity()) { return; }
      var params = new URLSearchParams();
      form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
        if (el.type === "file" || ((el.type === "checkbox" || el.type === "radio") && !el.checked)) { return; }
        if (el.value) { params.append(el.name, el.value); }
      });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.upload + "?" + params.toString());
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Content-Disposition", "attachment; filename*=UTF-8''" + encodeURIComponent(file.name));
      bar.hidden = false;
      error.hidden = true;
      button.disabled = true;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
      xhr.onload = function () {
        if (xhr.status === 201) { window.location.hash = form.dataset.anchor || ""; window.location.reload(); return; }
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        var details = body.fields ? Object.keys(body.fields).map(function (k) { return k + ": " + body.fields[k]; }).join("; ") : "";
        fail((body.detail || xhr.statusText) + (details ? " (" + details + ")" : ""));
      };
      xhr.onerror = function () { fail("network"); };
      xhr.send(file);
    });
  });
})();
