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
    document.querySelectorAll(".toast:not([data-dismissing])").forEach(function (toast) {
      toast.setAttribute("data-dismissing", "");
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
      event.stopImmediatePropagation();  // htmx must not send it either
    }
  }, true);

  // "Copy to clipboard" buttons: data-copy holds the selector of the text to copy.
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    selectText(source);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Selected: press Ctrl+C";
      });
    } else {
      button.textContent = "Selected: press Ctrl+C";
    }
  });
  // Row editors (templates/includes/row_editor.html): "Add" copies the empty row of the
  // formset from its <template> and counts it in the management form; without the script the
  // same button asks the server for the form with one more row.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-add-row]");
    if (!button) { return; }
    var editor = button.closest("[data-row-editor]");
    var template = editor && editor.querySelector("template");
    var prefix = editor && editor.getAttribute("data-row-editor");
    var total = editor && editor.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var most = editor && editor.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    if (!template || !total) { return; }
    var count = parseInt(total.value, 10) || 0;
    if (most && count >= (parseInt(most.value, 10) || Infinity)) { return; }
    event.preventDefault();
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(count));
    var row = holder.firstElementChild;
    var legend = row.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.trim() + " " + (count + 1); }
    editor.querySelector(".row-editor-rows").appendChild(row);
    total.value = String(count + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  });
})();
