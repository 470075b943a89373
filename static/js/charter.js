// Charter's only script: progressive enhancements. Every page works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Submit a form when a select marked data-autosubmit changes (organisation switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });

  // Let toasts fade after a while; they stay in the live region for screen readers first.
  function dismissToasts() {
    document.querySelectorAll(".toast").forEach(function (toast) {
      setTimeout(function () { toast.remove(); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", dismissToasts);
  document.addEventListener("htmx:afterSettle", dismissToasts);

  // Confirm destructive actions marked data-confirm, without inline script.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
})();
