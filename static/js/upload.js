// Evidence uploader: one raw-body request per file, so the server streams and
// hashes it without parsing a form; the CSRF token travels in a header.
(function () {
  "use strict";
  var root = document.getElementById("uploader");
  if (!root) { return; }
  var url = root.dataset.url;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var list = document.getElementById("upload-list");
  var template = document.getElementById("upload-row");
  var start = document.getElementById("upload-start");
  var msgs = document.getElementById("upload-msgs").dataset;
  var input = document.getElementById("file-input");
  var zone = document.getElementById("dropzone");
  var queue = [];

  function add(files) {
    Array.prototype.forEach.call(files, function (file) {
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelector(".upload-name").textContent = file.name + " (" + file.size.toLocaleString() + " B)";
      list.appendChild(row);
      queue.push({ file: file, row: row });
    });
    start.hidden = queue.length === 0;
  }

  function send(entry) {
    return new Promise(function (resolve) {
      var row = entry.row;
      var params = new URLSearchParams();
      row.querySelectorAll("select, input").forEach(function (el) { if (el.value) { params.set(el.name, el.value); } });
      row.querySelectorAll("select, input").forEach(function (el) { el.disabled = true; });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url + "?" + params.toString());
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Content-Disposition", "attachment; filename*=UTF-8''" + encodeURIComponent(entry.file.name));
      var bar = row.querySelector("progress");
      var result = row.querySelector(".upload-result");
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        if (xhr.status === 201) {
          bar.value = 100;
          row.classList.add("done");
          result.textContent = msgs.done + " " + body.sha256 + " · " + body.media_type;
        } else {
          row.classList.add("failed");
          result.textContent = msgs.failed + " " + (body.detail || xhr.statusText);
        }
        resolve();
      };
      xhr.onerror = function () { row.classList.add("failed"); result.textContent = msgs.failed + " network"; resolve(); };
      xhr.send(entry.file);
    });
  }

  start.addEventListener("click", function () {
    start.disabled = true;
    var pending = queue.splice(0);
    pending.reduce(function (p, entry) { return p.then(function () { return send(entry); }); }, Promise.resolve())
      .then(function () { start.hidden = true; start.disabled = false; var p = document.getElementById("upload-msgs"); p.textContent = msgs.reload; p.hidden = false; });
  });
  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (n) { zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (n) { zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.remove("over"); }); });
  zone.addEventListener("drop", function (e) { add(e.dataTransfer.files); });
  root.dataset.ready = "true";  // for anything that must not act before the handlers are attached
})();
