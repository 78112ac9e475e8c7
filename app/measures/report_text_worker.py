"""Read a report PDF's text in a process of its own, under limits it sets on itself.

Run as `python -I report_text_worker.py MAX_PAGES MAX_CHARS CPU_SECONDS MEMORY_BYTES` with the
PDF on stdin; writes each page's text to stdout as it goes (pages end with a form feed), so
what was read before a limit stopped it is kept. Imports nothing of the app: it starts fast and
a hostile file meets only pypdf. A CPU-time limit (SIGXCPU, then SIGKILL) stops a content
stream that takes forever to decode; the address-space limit stops one that takes all memory.
Exit codes: 0 done, 3 page limit, 4 character limit, 5 unreadable.
"""

from __future__ import annotations

import io
import resource
import sys

PAGE_END = "\f"


def main(argv: list[str]) -> int:
    max_pages, max_chars, cpu_seconds, memory_bytes = (int(v) for v in argv[1:5])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    data = sys.stdin.buffer.read()
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = reader.pages
    except Exception:  # pypdf raises many kinds of errors on a broken file
        return 5
    out = sys.stdout.buffer
    written = 0
    for number, page in enumerate(pages, start=1):
        if number > max_pages:
            return 3
        try:
            text = (page.extract_text() or "").replace("\x00", "").replace(PAGE_END, " ").strip()
        except Exception:  # noqa: S112  # nosec B112  (one bad page should not lose the others)
            continue
        text = text[: max_chars - written]
        out.write((text + PAGE_END).encode("utf-8", "replace"))
        out.flush()
        written += len(text)
        if written >= max_chars:
            return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
