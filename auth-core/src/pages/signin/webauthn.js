// WebAuthn sign-in for the built-in page, served by auth-core itself (no CDN). It follows
// Auth.js's webauthn-client.js, with the few SimpleWebAuthn browser helpers it needs inline.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var providerID = script.getAttribute("data-provider");
  var autofill = script.getAttribute("data-autofill") === "true";
  var src = new URL(script.src, window.location.href);
  var authURL = src.href.substring(0, src.href.lastIndexOf("/"));

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The ceremony under way (autofill's waits until the user picks a passkey). Browsers refuse a
  // second one while it runs ("A request is already pending"), so a new one aborts it first, as
  // SimpleWebAuthn's abort service does.
  var ceremony = null;

  function newCeremony() {
    if (ceremony) ceremony.abort();
    ceremony = typeof AbortController === "function" ? new AbortController() : null;
    return ceremony ? ceremony.signal : undefined;
  }

  function descriptor(d) {
    var out = { id: toBuffer(d.id), type: d.type };
    if (d.transports) out.transports = d.transports;
    return out;
  }

  function getForm() {
    var form = document.getElementById(providerID + "-form");
    if (!form) throw new Error("Form '" + providerID + "-form' not found");
    return form;
  }

  function getFormFields() {
    return Array.prototype.slice.call(getForm().querySelectorAll("input[data-form-field]"));
  }

  function fetchOptions(action) {
    var url = new URL(authURL + "/webauthn-options/" + providerID);
    if (action) url.searchParams.append("action", action);
    getFormFields().forEach(function (field) {
      url.searchParams.append(field.name, field.value);
    });
    return fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) throw new Error("Failed to fetch options");
      return res.json();
    });
  }

  function submitForm(action, data) {
    var form = getForm();
    [["action", action], ["data", JSON.stringify(data)]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    form.submit();
  }

  function authenticate(options, conditional) {
    var publicKey = {
      challenge: toBuffer(options.challenge),
      timeout: options.timeout,
      rpId: options.rpId,
      userVerification: options.userVerification,
      allowCredentials: conditional ? [] : (options.allowCredentials || []).map(descriptor)
    };
    var request = { publicKey: publicKey, signal: newCeremony() };
    if (conditional) request.mediation = "conditional";
    return navigator.credentials.get(request).then(function (credential) {
      var r = credential.response;
      submitForm("authenticate", {
        id: credential.id,
        rawId: toText(credential.rawId),
        response: {
          authenticatorData: toText(r.authenticatorData),
          clientDataJSON: toText(r.clientDataJSON),
          signature: toText(r.signature),
          userHandle: r.userHandle ? toText(r.userHandle) : undefined
        },
        type: credential.type,
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment || undefined
      });
    });
  }

  function register(options) {
    getFormFields().forEach(function (field) {
      if (field.required && !field.value) throw new Error("Missing required field: " + field.name);
    });
    var publicKey = Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      user: Object.assign({}, options.user, { id: toBuffer(options.user.id) }),
      excludeCredentials: (options.excludeCredentials || []).map(descriptor)
    });
    var request = { publicKey: publicKey, signal: newCeremony() };
    return navigator.credentials.create(request).then(function (credential) {
      var r = credential.response;
      submitForm("register", {
        id: credential.id,
        rawId: toText(credential.rawId),
        response: {
          attestationObject: toText(r.attestationObject),
          clientDataJSON: toText(r.clientDataJSON),
          transports: typeof r.getTransports === "function" ? r.getTransports() : undefined
        },
        type: credential.type,
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment || undefined
      });
    });
  }

  function setup() {
    var form = getForm();
    if (!window.PublicKeyCredential) {
      form.style.display = "none";
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetchOptions(undefined)
        .then(function (res) {
          if (res.action === "authenticate") return authenticate(res.options, false);
          if (res.action === "register") return register(res.options);
        })
        .catch(function (e) { console.error(e); });
    });
    if (autofill && typeof PublicKeyCredential.isConditionalMediationAvailable === "function") {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) return;
        return fetchOptions("authenticate").then(function (res) {
          return authenticate(res.options, true);
        });
      }).catch(function (e) {
        // Aborted for the button's ceremony: not an error.
        if (!e || e.name !== "AbortError") console.error(e);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
