// Every upload form runs Uppy: files go to the portal over tus (/uploads/), resumable when paused, cut off or
// reloaded, and each finished upload is then named, with its details, to the form's own endpoint, which makes
// it evidence, a case document or a power of attorney. The CSRF token travels in a header.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var chinese = document.documentElement.lang.indexOf("zh") === 0;

  function uploadId(file) {
    var url = file.response && file.response.uploadURL || file.tus && file.tus.uploadUrl || "";
    return url.split("/").pop();
  }

  function problem(response, body) {
    var fields = body.fields ? Object.keys(body.fields).map(function (k) { return k + ": " + body.fields[k]; }) : [];
    return (body.detail || response.statusText) + (fields.length ? " (" + fields.join("; ") + ")" : "");
  }

  // POST {"upload": id, ...details} to the form's endpoint; resolves to [ok, answer body or message].
  function name(endpoint, id, details) {
    return fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ upload: id }, details)),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return response.status === 201 ? [true, body] : [false, problem(response, body)];
      });
    }, function () { return [false, "network"]; });
  }

  // The refusal the portal gave a tus request, from its problem details, else Uppy's message.
  function refusal(error) {
    var response = error && error.originalResponse;
    if (response) {
      try { return JSON.parse(response.getBody()).detail || error.message; } catch (ignored) { /* not JSON */ }
    }
    return error ? error.message : "";
  }

  function make(root, options) {
    var uppy = new Uppy.Uppy({
      id: root.id,
      autoProceed: false,
      locale: chinese && Uppy.locales && Uppy.locales.zh_CN ? Uppy.locales.zh_CN : undefined,
      restrictions: { maxFileSize: Number(root.dataset.maxBytes), maxNumberOfFiles: options.single ? 1 : null },
    });
    uppy.use(Uppy.Dashboard, {
      inline: true,
      target: root.querySelector(".uppy-target"),
      width: "100%",
      height: options.single ? 260 : 380,
      proudlyDisplayPoweredByUppy: false,
      showProgressDetails: true,
      hideUploadButton: Boolean(options.single),
      hideRetryButton: false,
      metaFields: options.metaFields || [],
      // Previews would be blob: or data: images, which the portal's CSP does not allow; type icons are shown.
      disableThumbnailGenerator: true,
      note: root.dataset.note || null,
    });
    uppy.use(Uppy.Tus, {
      endpoint: root.dataset.tus,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      // Only the name and type go to the portal with the bytes; the details go with the naming.
      allowedMetaFields: ["name", "type"],
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      // One S3 part a request: no request ends inside a part, and one cut off loses at most 8 MiB to send again.
      chunkSize: 8 * 1024 * 1024,
      removeFingerprintOnSuccess: true,
      limit: 3,
    });
    // Files chosen, and uploads under way, survive a reload of the page: kept in the browser up to 512 MiB
    // each; a larger one is chosen again after a reload, and tus finds where it stopped.
    uppy.use(Uppy.GoldenRetriever, {
      serviceWorker: false,
      indexedDB: { maxFileSize: 512 * 1024 * 1024, maxTotalSize: 2048 * 1024 * 1024 },
    });
    // Uploads that were under way go on by themselves; files only chosen wait for the upload button.
    uppy.on("restored", function () {
      if (uppy.getFiles().some(function (f) { return f.progress.uploadStarted && !f.progress.uploadComplete; })) {
        uppy.emit("restore-confirmed");
      }
    });
    // tus gives up while the browser is offline; when the network comes back, everything failed goes on.
    uppy.on("back-online", function () { uppy.retryAll(); });
    return uppy;
  }

  // The evidence uploader of a complaint: several files, each with its own details.
  function evidence(root) {
    var kinds = JSON.parse(root.dataset.kinds);
    var items = JSON.parse(root.dataset.items);
    var labels = JSON.parse(root.dataset.labels);
    var results = root.querySelector(".upload-results");
    var msgs = root.dataset;
    function choice(key, values) {
      return function (field, h) {
        return h("select", {
          class: "uppy-u-reset uppy-c-textInput uppy-Dashboard-FileCard-input",
          id: "uppy-Dashboard-FileCard-input-" + key,
          value: field.value || "",
          onChange: function (event) { field.onChange(event.target.value); },
        }, values.map(function (v) { return h("option", { value: v[0] }, v[1]); }));
      };
    }
    var uppy = make(root, {
      metaFields: [
        { id: "kind", name: labels.kind, render: choice("kind", kinds) },
        { id: "description", name: labels.description },
        { id: "collected_at", name: labels.collected_at, placeholder: "2026-03-01T14:30" },
        { id: "collected_where", name: labels.collected_where },
        { id: "translation_of", name: labels.translation_of, render: choice("translation_of", [["", "—"]].concat(items)) },
      ],
    });
    var naming = 0;
    function row(file, ok, text) {
      var item = document.createElement("li");
      item.className = "upload-row " + (ok ? "done" : "failed");
      item.dataset.file = file.id;
      item.textContent = file.name + " — " + text;
      var old = results.querySelector('[data-file="' + CSS.escape(file.id) + '"]');
      if (old) { old.replaceWith(item); } else { results.appendChild(item); }
    }
    function settle(file) {
      var details = {};
      ["kind", "description", "collected_at", "collected_where", "translation_of"].forEach(function (key) {
        if (file.meta[key]) { details[key] = file.meta[key]; }
      });
      naming += 1;
      name(root.dataset.finish, uploadId(file), details).then(function (outcome) {
        naming -= 1;
        if (outcome[0]) {
          uppy.setFileMeta(file.id, { named: "yes" });
          row(file, true, msgs.done + " " + outcome[1].sha256 + " · " + outcome[1].media_type);
        } else {
          row(file, false, msgs.failed + " " + outcome[1]);
        }
        if (!naming && uppy.getFiles().every(function (f) { return f.meta.named || f.error; })) {
          results.dataset.complete = "yes";
          root.querySelector(".upload-complete").hidden = false;
        }
      });
    }
    uppy.on("upload-success", settle);
    uppy.on("upload-error", function (file, error) { row(file, false, msgs.failed + " " + refusal(error)); });
    // A page reloaded after the bytes were in but before they were named: name them now.
    uppy.on("restored", function () {
      uppy.getFiles().forEach(function (file) {
        if (file.progress.uploadComplete && !file.meta.named && uploadId(file)) { settle(file); }
      });
    });
  }

  // A form with one file beside its fields (a case document, a power of attorney).
  function single(form) {
    var root = form.querySelector("[data-uppy]");
    var uppy = make(root, { single: true });
    var error = form.querySelector(".upload-error");
    var button = form.querySelector('button[type="submit"]');
    function fail(message) {
      error.textContent = form.dataset.failed + " " + message;
      error.hidden = false;
      button.disabled = false;
    }
    function details() {
      var values = {};
      new FormData(form).forEach(function (value, key) {
        var field = form.querySelector('[name="' + CSS.escape(key) + '"]');
        if (!value || field.type === "file") { return; }  // the file goes by tus; Uppy's own input is not a detail
        var many = field.type === "checkbox" || field.multiple;
        if (many) { (values[key] = values[key] || []).push(value); } else { values[key] = value; }
      });
      return values;
    }
    uppy.on("file-added", function () { error.hidden = true; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.reportValidity()) { return; }
      if (!uppy.getFiles().length) { fail(form.dataset.nofile); return; }
      error.hidden = true;
      button.disabled = true;
      uppy.upload().then(function (result) {
        var done = (result && result.successful) || uppy.getFiles().filter(function (f) { return f.progress.uploadComplete; });
        if (!done.length) { fail(refusal(result && result.failed && result.failed[0] && result.failed[0].error)); return; }
        return name(form.dataset.finish, uploadId(done[0]), details()).then(function (outcome) {
          if (!outcome[0]) { fail(outcome[1]); return; }
          uppy.clear();
          window.location.hash = form.dataset.anchor || "";
          window.location.reload();
        });
      }, function (err) { fail(refusal(err)); });
    });
  }

  document.querySelectorAll("[data-uppy=evidence]").forEach(evidence);
  document.querySelectorAll("form[data-finish]").forEach(single);
  document.documentElement.dataset.uploads = "ready";  // for anything that must not act before this is attached
})();
