/* Massline integrity forms: a small proof of work (hashcash-style), so floods cost the sender time.
   Finds a counter with SHA-256("<challenge>:<counter>") starting with `bits` zero bits, using the
   browser's own Web Crypto; no third-party service, nothing stored about the visitor. */
(function () {
  "use strict";

  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { bits += 1; b <<= 1; }
      return bits;
    }
    return bits;
  }

  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    var batch = 256;
    for (var start = 0; ; start += batch) {
      var tries = [];
      for (var c = start; c < start + batch; c++) {
        tries.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + c)));
      }
      var digests = await Promise.all(tries);
      for (var k = 0; k < digests.length; k++) {
        if (leadingZeroBits(new Uint8Array(digests[k])) >= bits) { return String(start + k); }
      }
    }
  }

  function setUp(form) {
    var challenge = form.querySelector("input[name=pow_challenge]");
    var solution = form.querySelector("input[name=pow_solution]");
    var status = form.querySelector("[data-pow-status]");
    var submit = form.querySelector("button[type=submit]");
    if (!challenge || !solution) { return; }
    if (!window.crypto || !crypto.subtle) {
      if (status) { status.textContent = status.getAttribute("data-unsupported"); }
      return;
    }
    if (submit) { submit.disabled = true; }
    var bits = parseInt(form.getAttribute("data-pow-bits"), 10) || 0;
    solve(challenge.value, bits).then(function (found) {
      solution.value = found;
      if (submit) { submit.disabled = false; }
      if (status) { status.textContent = status.getAttribute("data-ready"); }
      form.setAttribute("data-pow-ready", "true");
    });
  }

  document.querySelectorAll("form[data-pow-bits]").forEach(setUp);
})();
