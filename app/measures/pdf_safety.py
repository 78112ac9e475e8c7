"""Refusing report PDFs with active content: scripts, launch actions, embedded files, forms
that submit themselves.

A report is something people read. A PDF that runs JavaScript when opened, starts a program,
carries another file inside or posts data elsewhere is an attack on the officials who download
it, so the upload check refuses it (app.measures.uploads.check_report calls this).

The whole object graph is walked through pypdf, not the raw bytes: objects inside compressed
object streams and names written with #xx escapes (/J#61vaScript) are seen as what they are.
Links that open another file (/GoToR) and any file specification naming a network path
(\\\\host\\share, //host: the reader's computer would send its Windows credentials there) are
refused too, as are media annotations (RichMedia, Screen, 3D). An /OpenAction that only says
which page to show first (a destination array, as many word processors write) is harmless and
allowed; one that is an action dictionary is judged by its action type like every other action.
"""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from app.core.i18n import N_, Wording

# Keys whose mere presence means active content, with the words the refusal uses (translated
# when the refusal is made).
ACTIVE_KEYS = {
    "/JavaScript": N_("JavaScript"),
    "/JS": N_("JavaScript"),
    "/Launch": N_("an action that starts a program"),
    "/EmbeddedFile": N_("an embedded file"),
    "/EmbeddedFiles": N_("an embedded file"),
    "/RichMedia": N_("embedded media that can run code"),
    "/RichMediaContent": N_("embedded media that can run code"),
    "/RichMediaSettings": N_("embedded media that can run code"),
    "/XFA": N_("an XFA form, which can run scripts"),
}
# Annotation types (/Subtype) that play embedded media, which may run code.
ACTIVE_ANNOTATIONS = {
    "/RichMedia": N_("embedded media that can run code"),
    "/Screen": N_("embedded media that can run code"),
    "/Movie": N_("embedded media"),
    "/Sound": N_("embedded sound"),
    "/3D": N_("an embedded 3D model, which can run scripts"),
}
# Action types (the /S of an action dictionary) that run code, open other files or send data.
ACTIVE_ACTIONS = {
    "/JavaScript": N_("JavaScript"),
    "/Launch": N_("an action that starts a program"),
    "/SubmitForm": N_("a form that sends data elsewhere"),
    "/ImportData": N_("an action that imports data from another file"),
    "/GoToE": N_("an action that opens an embedded file"),
    "/RichMediaExecute": N_("embedded media that can run code"),
    # Opens another PDF; a network path (UNC) target makes the reader's computer send its
    # Windows credentials to that host.
    "/GoToR": N_("a link that opens another file"),
    "/Rendition": N_("an action that plays media and can run JavaScript"),
}
_UNC_PREFIXES = ("\\\\", "//", "smb:", "\\??\\")
# A bound on the work for one upload; a 20 MB report has far fewer objects than this.
MAX_OBJECTS = 500_000


def _problem(what: str) -> Wording:
    return Wording(
        N_("contains %(what)s, which a report may not have: upload a copy without it"),
        what=Wording(what),
    )


def active_content_problem(reader: PdfReader) -> Wording | None:
    """Why the PDF must be refused (a message for ReportRejected), or None when it is safe.

    The reader must be open and not encrypted. Never raises for a damaged file: a part that
    cannot be read cannot be checked, so it is refused too.
    """
    try:
        return _walk(reader)
    except Exception:  # pypdf raises many kinds of errors on damaged objects
        return Wording(N_("could not be checked for scripts and other active content"))


def _walk(reader: PdfReader) -> Wording | None:
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
            return Wording(N_("has too many parts to be checked for active content"))
        if isinstance(obj, DictionaryObject):  # stream objects too: their dictionary
            problem = _dictionary_problem(obj)
            if problem:
                return problem
            # dict.values(): the raw entries, indirect references not yet followed.
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return None


def _dictionary_problem(obj: DictionaryObject) -> Wording | None:
    for key in dict.keys(obj):
        if key in ACTIVE_KEYS:
            return _problem(ACTIVE_KEYS[key])
    action = obj.get("/S")
    if isinstance(action, NameObject) and action in ACTIVE_ACTIONS:
        return _problem(ACTIVE_ACTIONS[action])
    subtype = obj.get("/Subtype")
    if isinstance(subtype, NameObject) and subtype in ACTIVE_ANNOTATIONS:
        return _problem(ACTIVE_ANNOTATIONS[subtype])
    if action == "/URI":
        uri = str(obj.get("/URI", "")).strip().lower()
        if uri.startswith(("javascript:", "file:", "data:", *_UNC_PREFIXES)):
            return _problem(N_("a link that runs script or opens local files"))
    if _names_network_file(obj):
        return _problem(N_("a link to a file on another computer (a network path)"))
    return None


def _names_network_file(obj: DictionaryObject) -> bool:
    """A file specification (/F, /UF, /DOS, /Unix: a string or a file dictionary) naming a
    network path, as a /GoToR, /Launch or /OpenAction target can."""
    for key in ("/F", "/UF", "/DOS", "/Unix", "/Win"):
        value = obj.get(key)
        if isinstance(value, DictionaryObject):
            if _names_network_file(value):
                return True
        elif value is not None and not isinstance(value, (DictionaryObject, ArrayObject)):
            text = str(value).strip().lower()
            if text.startswith(_UNC_PREFIXES):
                return True
    return False
