"""Refusing report PDFs with active content: scripts, launch actions, embedded files, forms
that submit themselves.

A report is something people read. A PDF that runs JavaScript when opened, starts a program,
carries another file inside or posts data elsewhere is an attack on the officials who download
it, so the upload check refuses it (app.measures.uploads.check_report calls this).

The whole object graph is walked through pypdf, not the raw bytes: objects inside compressed
object streams and names written with #xx escapes (/J#61vaScript) are seen as what they are.
An /OpenAction that only says which page to show first (a destination array, as many word
processors write) is harmless and allowed; one that is an action dictionary is judged by its
action type like every other action.
"""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys whose mere presence means active content, with the words the refusal uses.
ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/Launch": "an action that starts a program",
    "/EmbeddedFile": "an embedded file",
    "/EmbeddedFiles": "an embedded file",
    "/RichMedia": "embedded media that can run code",
    "/XFA": "an XFA form, which can run scripts",
}
# Action types (the /S of an action dictionary) that run code, open other files or send data.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that starts a program",
    "/SubmitForm": "a form that sends data elsewhere",
    "/ImportData": "an action that imports data from another file",
    "/GoToE": "an action that opens an embedded file",
    "/RichMediaExecute": "embedded media that can run code",
}
# A bound on the work for one upload; a 20 MB report has far fewer objects than this.
MAX_OBJECTS = 500_000


def _problem(what: str) -> str:
    return f"contains {what}, which a report may not have: upload a copy without it"


def active_content_problem(reader: PdfReader) -> str | None:
    """Why the PDF must be refused (a message for ReportRejected), or None when it is safe.

    The reader must be open and not encrypted. Never raises for a damaged file: a part that
    cannot be read cannot be checked, so it is refused too.
    """
    try:
        return _walk(reader)
    except Exception:  # pypdf raises many kinds of errors on damaged objects
        return "could not be checked for scripts and other active content"


def _walk(reader: PdfReader) -> str | None:
    stack: list[object] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "has too many parts to be checked for active content"
        if isinstance(obj, DictionaryObject):  # stream objects too: their dictionary
            problem = _dictionary_problem(obj)
            if problem:
                return problem
            # dict.values(): the raw entries, indirect references not yet followed.
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return None


def _dictionary_problem(obj: DictionaryObject) -> str | None:
    for key in dict.keys(obj):
        if key in ACTIVE_KEYS:
            return _problem(ACTIVE_KEYS[key])
    action = obj.get("/S")
    if isinstance(action, NameObject) and action in ACTIVE_ACTIONS:
        return _problem(ACTIVE_ACTIONS[action])
    if action == "/URI":
        uri = str(obj.get("/URI", "")).strip().lower()
        if uri.startswith(("javascript:", "file:", "data:")):
            return _problem("a link that runs script or opens local files")
    return None
