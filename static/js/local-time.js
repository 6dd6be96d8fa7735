// Progressive enhancement: where the visitor's timezone differs from the series',
// also show the talk's time in the visitor's own timezone. The page is complete without it.
(function () {
  "use strict";
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("[data-local-time-for]").forEach(function (slot) {
    var time = slot.parentElement.querySelector("time[data-start]");
    if (!time || !visitorZone || time.dataset.timezone === visitorZone) {
      return;
    }
    var start = new Date(time.dataset.start);
    var end = new Date(time.dataset.end);
    var day = new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: visitorZone
    });
    var clock = new Intl.DateTimeFormat(undefined, {
      hour: "2-digit", minute: "2-digit", timeZone: visitorZone, timeZoneName: "short"
    });
    var startClock = new Intl.DateTimeFormat(undefined, {
      hour: "2-digit", minute: "2-digit", timeZone: visitorZone
    });
    slot.textContent = "Your time: " + day.format(start) + ", " +
      startClock.format(start) + "–" + clock.format(end);
    slot.hidden = false;
  });
})();
