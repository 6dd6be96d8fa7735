// Rows of an ordered inline (seminars/organisers/ordering.py): move them by drag and drop or
// with their arrow buttons; each row's hidden order input is its place on the page. Without
// this script the arrow buttons submit the form and the server moves the row.
(function () {
    "use strict";

    function rowsOf(tbody) {
        return Array.from(tbody.querySelectorAll(":scope > tr.form-row")).filter(
            (row) => !row.classList.contains("empty-form") && row.querySelector("input.row-order")
        );
    }

    function renumber(tbody) {
        rowsOf(tbody).forEach((row, place) => {
            row.querySelector("input.row-order").value = place;
        });
    }

    function announce(tbody, text) {
        const group = tbody.closest(".inline-group");
        let status = group.querySelector(".row-order-status");
        if (!status) {
            status = document.createElement("p");
            status.className = "row-order-status visually-hidden";
            status.setAttribute("role", "status");
            group.prepend(status);
        }
        status.textContent = text;
    }

    function move(row, direction) {
        const tbody = row.parentElement;
        const rows = rowsOf(tbody);
        const index = rows.indexOf(row);
        const other = rows[direction === "up" ? index - 1 : index + 1];
        if (!other) {
            return;
        }
        if (direction === "up") {
            other.before(row);
        } else {
            other.after(row);
        }
        renumber(tbody);
        // Blank rows are not saved: count the rows with a speaker (or whatever they hold).
        const filled = rowsOf(tbody).filter((each) => {
            const choice = each.querySelector("select");
            return !choice || choice.value;
        });
        announce(tbody, `Moved to place ${filled.indexOf(row) + 1} of ${filled.length}.`);
    }

    function prepare(tbody) {
        let dragged = null;
        tbody.addEventListener("click", (event) => {
            const button = event.target.closest("button.row-move");
            if (!button) {
                return;
            }
            event.preventDefault();
            move(button.closest("tr"), button.dataset.direction);
            button.focus();
        });
        tbody.addEventListener("dragstart", (event) => {
            dragged = event.target.closest("tr.form-row");
            event.dataTransfer.effectAllowed = "move";
            event.dataTransfer.setData("text/plain", "");
        });
        tbody.addEventListener("dragover", (event) => {
            if (dragged && event.target.closest("tr.form-row")) {
                event.preventDefault();
            }
        });
        tbody.addEventListener("drop", (event) => {
            const target = event.target.closest("tr.form-row");
            if (!dragged || !target || target === dragged) {
                return;
            }
            event.preventDefault();
            const rows = rowsOf(tbody);
            if (rows.indexOf(dragged) < rows.indexOf(target)) {
                target.after(dragged);
            } else {
                target.before(dragged);
            }
            renumber(tbody);
            dragged = null;
        });
        tbody.addEventListener("dragend", () => {
            dragged = null;
        });
        const markDraggable = () => {
            rowsOf(tbody).forEach((row) => {
                row.draggable = true;
            });
        };
        markDraggable();
        document.addEventListener("formset:added", () => {
            markDraggable();
            renumber(tbody);
        });
        tbody.closest("form").addEventListener("submit", () => renumber(tbody));
    }

    // select2 names its empty "textbox" by nothing; its title (which select2 sets to the
    // choice once made) gives it the placeholder, "Choose a speaker", as its name meanwhile.
    function nameEmptyChoices() {
        document.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((box) => {
            const placeholder = box.querySelector(".select2-selection__placeholder");
            if (!box.title && placeholder) {
                box.title = placeholder.textContent;
            }
        });
    }

    // select2 draws its boxes when jQuery's ready queue runs, which can come after "load", and
    // redraws one whenever its choice is cleared: name them whenever the page's markup changes.
    new MutationObserver(nameEmptyChoices).observe(document.documentElement, {
        childList: true,
        subtree: true,
    });

    document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll("input.row-order").forEach((input) => {
            const tbody = input.closest("tbody");
            if (tbody && !tbody.dataset.rowOrder) {
                tbody.dataset.rowOrder = "ready";
                prepare(tbody);
            }
        });
    });
})();
