// Show the seminar's talks on any web page, from the site's JSON API (docs/api.md):
//
//   <div data-seminar-talks="https://seminars.example.org/api/talks/?series=x&limit=5">
//     <a href="https://seminars.example.org/">Upcoming talks</a>
//   </div>
//   <script src="https://seminars.example.org/static/embed.js" defer></script>
//
// No dependencies, no styles of its own: the list is plain HTML (class names seminar-talk…)
// in the page's fonts and colours. Times are shown in the reader's own timezone; cancelled
// talks are marked. What the element held (a link) stays below the list, and is all a reader
// sees without JavaScript or when the talks cannot be loaded.
(function () {
  "use strict";

  var dayFormat = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric"
  });
  var clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  var zonedClockFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });

  function when(talk) {
    var start = new Date(talk.start);
    var end = new Date(talk.end);
    var startDay = dayFormat.format(start);
    var endDay = dayFormat.format(end);
    if (startDay === endDay) {
      return startDay + ", " + clockFormat.format(start) + "–" + zonedClockFormat.format(end);
    }
    return startDay + ", " + zonedClockFormat.format(start) + " – " +
      endDay + ", " + zonedClockFormat.format(end);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function speakerNames(talk) {
    var names = talk.speakers.map(function (speaker) {
      var affiliation = speaker.affiliation;
      return affiliation
        ? speaker.name + " (" + (affiliation.short_name || affiliation.name) + ")"
        : speaker.name;
    });
    if (names.length < 2) {
      return names.join("");
    }
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  // One paragraph per talk, a line for each fact: spaced like the page's other paragraphs.
  function talkItem(talk) {
    var cancelled = talk.status === "cancelled";
    var item = element("li", "seminar-talk" + (cancelled ? " seminar-talk--cancelled" : ""));
    var text = item.appendChild(element("p"));
    var title = text.appendChild(element("span", "seminar-talk__title"));
    if (cancelled) {
      title.appendChild(element("strong", "seminar-talk__status", "Cancelled:"));
      title.appendChild(document.createTextNode(" "));
    }
    var link = title.appendChild(element("a", null, talk.title));
    link.href = talk.url;

    var time = element("time", null, when(talk));
    time.setAttribute("datetime", talk.start);
    var whenLine = line(text, "seminar-talk__when");
    // Struck through as well as labelled: the date alone must not read as an invitation.
    (cancelled ? whenLine.appendChild(element("s")) : whenLine).appendChild(time);

    if (talk.speakers.length) {
      line(text, "seminar-talk__speakers").textContent = speakerNames(talk);
    }
    if (talk.location) {
      line(text, "seminar-talk__where").textContent = talk.location;
    }
    return item;
  }

  function line(paragraph, className) {
    paragraph.appendChild(element("br"));
    return paragraph.appendChild(element("span", className));
  }

  function render(container, data) {
    var list;
    if (data.results.length) {
      list = element("ul", "seminar-talks");
      data.results.forEach(function (talk) {
        list.appendChild(talkItem(talk));
      });
    } else {
      list = element("p", "seminar-talks__empty", "No talks are scheduled yet.");
    }
    container.insertBefore(list, container.firstChild);
  }

  function load(container) {
    // The script may be included twice on one page: fill each element once.
    if (container.getAttribute("data-seminar-talks-state")) {
      return;
    }
    container.setAttribute("data-seminar-talks-state", "loading");
    container.setAttribute("aria-busy", "true");
    fetch(container.getAttribute("data-seminar-talks"))
      .then(function (response) {
        if (!response.ok) {
          throw new Error("The talks could not be loaded (HTTP " + response.status + ").");
        }
        return response.json();
      })
      .then(function (data) {
        render(container, data);
        container.setAttribute("data-seminar-talks-state", "ready");
      })
      .catch(function (error) {
        container.setAttribute("data-seminar-talks-state", "failed");
        if (window.console) {
          window.console.warn("embed.js: " + error.message);
        }
      })
      .then(function () {
        container.removeAttribute("aria-busy");
      });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-seminar-talks]"), load);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
