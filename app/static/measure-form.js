// Measure form: an enhancement only (the form works without it). Warns at once when a chosen
// report is larger than the server accepts, instead of after a long upload.
(function () {
  "use strict";
  var form = document.querySelector("form.measure-form");
  if (!form) { return; }
  var maxBytes = Number(form.getAttribute("data-max-report-bytes") || 0);
  var maxText = form.getAttribute("data-max-report-text") || "";
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
    note.textContent = "“" + file.name + "” is larger than " + maxText + ": choose a smaller file.";
  });
})();
