// Mail links carry their one-time token in the fragment (never sent to the
// server, so never in an access log). Copy it into the form and drop it
// from the address bar; hide the field it filled.
(function () {
  var field = document.querySelector("input[data-token-from-fragment]");
  if (!field) { return; }
  var token = window.location.hash.replace(/^#/, "");
  if (token) {
    field.value = decodeURIComponent(token);
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    var wrapper = field.closest(".field");
    if (wrapper) { wrapper.hidden = true; }
  }
})();
