// Progressive enhancement: where the visitor's clock differs from the series', also show
// the talk's time in the visitor's own timezone, on the talk page and in every list. The
// page is complete without it: the server writes the series' time in each <time datetime>.
(function () {
  "use strict";
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!visitorZone) {
    return;
  }

  function wallClock(moment, zone) {
    try {
      return new Intl.DateTimeFormat("en-GB", {
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", timeZone: zone
      }).format(moment);
    } catch (error) {  // a zone this browser does not know
      return null;
    }
  }

  var day = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: visitorZone
  });
  var clock = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", timeZone: visitorZone, timeZoneName: "short"
  });
  var startClock = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", timeZone: visitorZone
  });

  document.querySelectorAll("[data-local-time-for]").forEach(function (slot) {
    var time = slot.parentElement.querySelector("time[data-start]");
    if (!time) {
      return;
    }
    var start = new Date(time.dataset.start);
    var end = new Date(time.dataset.end);
    // Another zone name with the same clock (America/Detroit and New York) needs no line.
    var seriesClock = wallClock(start, time.dataset.timezone);
    if (seriesClock === null || seriesClock === wallClock(start, visitorZone)) {
      return;
    }
    slot.textContent = "Your time: " + day.format(start) + ", " +
      startClock.format(start) + "–" + clock.format(end);
    slot.hidden = false;
  });
})();
