"""Write app/search/data/common_words/<lang>.txt.gz: the common words of each interface language.

The speller leaves these alone when the reader's language is theirs (app/search/common_words.py).
A word is common when its Zipf frequency in wordfreq's lists is MIN_ZIPF or more: about once in
300,000 words of running text ("choir" 3.9, "assisted" 4.1; the typo "teh" 3.0 is not). Words are
folded as the index folds them, one per line, sorted, so a rebuild with the same wordfreq gives
the same files.

    .venv/bin/python scripts/build_common_words.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from wordfreq import iter_wordlist, zipf_frequency

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.search.analysis import tokenize  # noqa: E402
from app.search.common_words import DATA_DIR, MIN_ZIPF  # noqa: E402
from config import Config  # noqa: E402


def common_words(lang: str) -> list[str]:
    words: set[str] = set()
    for word in iter_wordlist(lang):  # most frequent first
        if zipf_frequency(word, lang) < MIN_ZIPF:
            break
        tokens = tokenize(word)
        # One word ("e-mail" is two), folded for good ("™" folds to "TM", which folds on).
        if len(tokens) == 1 and tokenize(tokens[0]) == tokens:
            words.add(tokens[0])
    return sorted(words)


def main() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for lang in Config.LANGUAGES:
        words = common_words(lang)
        path = DATA_DIR / f"{lang}.txt.gz"
        # mtime=0: the same words give the same bytes.
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            out.write("".join(f"{w}\n" for w in words).encode("utf-8"))
        print(f"{lang}: {len(words)} words, {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
