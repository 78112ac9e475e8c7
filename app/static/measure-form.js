// Measure form: an enhancement only (the form works without it).
// - Moves focus to the error summary after a failed submit.
// - Adds and removes repeatable rows (results, evaluations, contacts …) in place, instead of the
//   submit buttons that re-render the page, so a chosen report file stays chosen.
// - Warns at once when a chosen report is larger than the server accepts.
(function () {
  "use strict";
  var form = document.querySelector("form.measure-form");
  if (!form) { return; }

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var status = form.querySelector("[data-rows-status]");
  function announce(text) { if (status) { status.textContent = text; } }

  // The rows of a list, and the parts of a row that are its own (not those of nested lists).
  function rowsOf(list) {
    var container = list.querySelector("[data-rows]");
    return Array.prototype.filter.call(container.children, function (el) {
      return el.hasAttribute("data-row");
    });
  }
  function renumber(list) {
    rowsOf(list).forEach(function (row, i) {
      Array.prototype.forEach.call(row.querySelectorAll("[data-row-number]"), function (el) {
        if (el.closest("[data-row]") === row) { el.textContent = String(i + 1); }
      });
    });
  }
  // The page gives each list its notices in the reader's language (data-*-text).
  function notice(list, name, fallback) {
    return list.getAttribute("data-" + name + "-text") || fallback;
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    var remove = event.target.closest("[data-remove-row]");
    if (add) {
      event.preventDefault();
      var list = add.closest("[data-row-list]");
      var limit = Number(list.getAttribute("data-limit") || 0);
      if (limit && rowsOf(list).length >= limit) {
        announce(notice(list, "at-most", "There can be at most " + limit + " of these."));
        return;
      }
      var index = Number(list.getAttribute("data-next-index") || 0);
      list.setAttribute("data-next-index", String(index + 1));
      var template = list.querySelector("template[data-row-template]");
      var html = template.innerHTML.split(list.getAttribute("data-placeholder")).join(String(index));
      // insertAdjacentHTML leaves the other rows (and their chosen files) untouched.
      list.querySelector("[data-rows]").insertAdjacentHTML("beforeend", html);
      renumber(list);
      var rows = rowsOf(list);
      var row = rows[rows.length - 1];
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      var legend = row.querySelector("legend");
      var name = legend ? legend.textContent.replace(/\s+/g, " ").trim() : "";
      announce(notice(list, "added", "{row} added. Nothing has been saved yet.").split("{row}").join(name));
    } else if (remove) {
      event.preventDefault();
      var removed = remove.closest("[data-row]");
      var owner = removed.closest("[data-row-list]");
      removed.parentNode.removeChild(removed);
      renumber(owner);
      owner.querySelector("[data-add-row]").focus();
      announce(notice(owner, "removed", "The row was removed. Nothing has been saved yet."));
    }
  });

  var maxBytes = Number(form.getAttribute("data-max-report-bytes") || 0);
  var maxText = form.getAttribute("data-max-report-text") || "";
  var tooLarge = form.getAttribute("data-too-large-text") ||
    "“{filename}” is larger than " + maxText + ": choose a smaller file.";
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !maxBytes) { return; }
    var noteId = input.id + "-size-warning";
    var note = document.getElementById(noteId);
    var file = input.files && input.files[0];
    var tooBig = file && file.size > maxBytes;
    if (!tooBig) {
      if (note) { note.parentNode.removeChild(note); }
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = noteId;
      note.className = "error-message";
      note.setAttribute("role", "alert");
      input.parentNode.insertBefore(note, input.nextSibling);
    }
    note.textContent = tooLarge.split("{filename}").join(file.name);
  });
})();
