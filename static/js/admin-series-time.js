// The talk form's times are in the series' timezone, which the form says once. Django's
// calendar widgets would add "Note: You are N hours ahead of server time." under each field,
// comparing the browser with the server rather than the series: drop the server's offset
// before they start (they start on "load").
document.addEventListener("DOMContentLoaded", () => {
    delete document.body.dataset.adminUtcOffset;
});
