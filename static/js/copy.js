// Progressive enhancement: a "Copy" button next to each calendar address. Without
// JavaScript the buttons stay hidden and the address can still be selected and copied.
(function () {
  "use strict";
  // The script is included once per subscribe box; set the buttons up only once.
  if (document.documentElement.dataset.copyButtons) {
    return;
  }
  document.documentElement.dataset.copyButtons = "ready";

  function copy(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copyFrom);
    var status = button.parentElement.querySelector("[role=status]");
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(input).then(function () {
        status.textContent = "Copied.";
      }, function () {
        input.select();
        status.textContent = "Press Ctrl+C (or ⌘C) to copy.";
      });
    });
  });
})();
