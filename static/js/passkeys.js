// Passkeys (WebAuthn): registering one on the account page, and signing in with one. The options come from
// the portal as JSON with base64url fields; the browser's answer goes back the same way. The CSRF token
// travels in a header.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.content : "";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw new Error(json.detail || json.message || response.status); }
        return json;
      });
    });
  }

  function answer(credential) {
    var r = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: { clientDataJSON: toText(r.clientDataJSON) },
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment
    };
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      out.response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return out;
  }

  function fail(element, prefix, error) {
    element.textContent = prefix + " " + error.message;
    element.hidden = false;
  }

  var form = document.getElementById("passkey-register");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = form.querySelector(".passkey-error");
      error.hidden = true;
      post(form.dataset.options).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.create({ publicKey: options });
      }).then(function (credential) {
        return post(form.action, { name: form.querySelector("input[name=name]").value, credential: answer(credential) });
      }).then(function (result) {
        if (result.codes.length) {
          var list = document.getElementById("new-recovery-codes");
          result.codes.forEach(function (code) {
            var item = document.createElement("li");
            var text = document.createElement("code");
            text.textContent = code;
            item.appendChild(text);
            list.appendChild(item);
          });
          document.getElementById("recovery-codes").hidden = false;
          document.getElementById("passkey-added").hidden = false;
        } else {
          window.location.reload();
        }
      }).catch(function (e) { fail(error, form.dataset.failed, e); });
    });
  }

  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (button) {
    if (!window.PublicKeyCredential) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      var error = document.getElementById("passkey-error");
      error.hidden = true;
      post(button.dataset.options).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.get({ publicKey: options });
      }).then(function (credential) {
        return post(button.dataset.url, { credential: answer(credential) });
      }).then(function (result) {
        window.location.assign(result.redirect);
      }).catch(function (e) { fail(error, button.dataset.failed, e); });
    });
  });
  document.documentElement.dataset.passkeys = "ready";  // the handlers are attached
})();
