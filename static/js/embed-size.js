// In an embedded list (/embed/upcoming/): tell the page that frames it how tall the list is,
// so that static/embed-frame.js there sizes the frame to fit. The height is not a secret, so
// any page may hear it; the framing page checks that it comes from this site.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var sent = 0;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== sent) {
      sent = height;
      window.parent.postMessage({ type: "seminar-embed:height", height: height }, "*");
    }
  }
  if ("ResizeObserver" in window) {
    new ResizeObserver(send).observe(document.documentElement);
  }
  window.addEventListener("load", send);
  // The framing page's script may start after the first height was posted: it asks again.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data &&
        event.data.type === "seminar-embed:ask-height") {
      sent = 0;
      send();
    }
  });
  send();
})();
