// Size the seminar's embedded lists to their content, on any web page:
//
//   <iframe src="https://seminars.example.org/embed/upcoming/" data-seminar-embed ...></iframe>
//   <script src="https://seminars.example.org/static/embed-frame.js" defer></script>
//
// The list in the frame posts its height (static/js/embed-size.js); this script accepts it
// only from the origin it was itself loaded from, and only for a frame marked
// data-seminar-embed whose window sent it. Without JavaScript the frame keeps the height
// the snippet gives it, and scrolls.
(function () {
  "use strict";
  if (window.seminarEmbedFrames) {  // the snippet pasted twice
    return;
  }
  window.seminarEmbedFrames = true;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "", window.location.href).origin;
  var MIN_HEIGHT = 48;
  var MAX_HEIGHT = 20000;

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "seminar-embed:height" ||
        typeof data.height !== "number" || !isFinite(data.height)) {
      return;
    }
    document.querySelectorAll("iframe[data-seminar-embed]").forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        var height = Math.min(Math.max(Math.ceil(data.height), MIN_HEIGHT), MAX_HEIGHT);
        frame.style.height = height + "px";
      }
    });
  });

  // A frame that loaded before this script ran has posted its height to nobody: ask each
  // frame once to say it again.
  document.querySelectorAll("iframe[data-seminar-embed]").forEach(function (frame) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ type: "seminar-embed:ask-height" }, origin);
    }
  });
})();
