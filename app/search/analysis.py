"""Text analysis shared by every backend: accent folding, per-language stemming, tokenising.

Measures are written in many EU languages. Each document's text goes into one language-neutral,
accent-folded form and into the stemmed form of its own language only; a query is analysed
both ways for every language, so an inflected German word finds its German relatives and an
accent-less query still finds accented text. Languages that Whoosh ships a Snowball stemmer for
get it; Estonian, Lithuanian, Greek and Irish get Snowball 3's (PyStemmer, the C library);
Polish, Czech and Slovak get a light suffix stripper; other languages are only folded.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import Stemmer
from whoosh.analysis import Analyzer, Filter, RegexTokenizer, Token, Tokenizer
from whoosh.lang import has_stopwords, stemmer_for_language, stopwords_for_language

# Languages with a Snowball stemmer in Whoosh that occur in the repository.
SNOWBALL_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "fi", "da", "ro", "hu", "no")
# Languages Whoosh has none for, with the Snowball algorithm of PyStemmer that stems them.
PYSTEMMER_ALGORITHMS = {"et": "estonian", "lt": "lithuanian", "el": "greek", "ga": "irish"}
PYSTEMMER_LANGUAGES = tuple(PYSTEMMER_ALGORITHMS)
# Languages without one: a light suffix stripper keeps the commonest inflections together.
# (Snowball 3's Polish and Czech stemmers, and its Serbian one for Croatian, measured no
# better on bench/search_quality.py's tuning half.)
LIGHT_LANGUAGES = ("pl", "cs", "sk")
STEMMED_LANGUAGES = SNOWBALL_LANGUAGES + PYSTEMMER_LANGUAGES + LIGHT_LANGUAGES

# Elided articles and prepositions of French, Italian, Catalan and Irish: the word of
# "l'école", "d'enfants", "dell'infanzia", "all'abuso" is the one after the apostrophe, as
# Lucene's ElisionFilter has it ("aujourd'hui" and "children's" stay one word).
ELIDED = (
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
    "un", "dell", "nell", "all", "dall", "sull", "coll", "pell", "quell", "quest", "sant",
    "gl", "degl", "agl", "dagl", "negl", "sugl", "b",
)  # fmt: skip
_ELIDED = frozenset(ELIDED)
TOKEN_PATTERN = r"\w+(?:[.'’]\w+)*"  # noqa: S105  (a regex, not a secret)  # nosec B105
_TOKEN_RE = re.compile(TOKEN_PATTERN, re.UNICODE)
_APOSTROPHE_RE = re.compile("['’]")


def split_words(text: str) -> list[str]:
    """The words of a lower-cased text, an elided article split off ("l'ecole" -> "ecole").

    Split after matching rather than in the pattern: a look-ahead for the articles at every
    word made tokenising 1.7 times slower, and most texts have no apostrophe at all.
    """
    found = _TOKEN_RE.findall(text)
    if "'" not in text and "’" not in text:
        return found
    return [_unelided(w) if "'" in w or "’" in w else w for w in found]


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each word of `text`, as split_words() splits them."""
    for match in _TOKEN_RE.finditer(text):
        start, word = match.start(), match.group()
        bare = _unelided(word.lower())
        if len(bare) < len(word):
            start += len(word) - len(bare)
            word = word[len(word) - len(bare) :]
        yield start, match.end(), word


def _unelided(word: str) -> str:
    head = _APOSTROPHE_RE.split(word, maxsplit=1)
    return head[1] if len(head) == 2 and head[0] in _ELIDED else word


# Letters that Unicode does not decompose into base letter + accent.
_SPECIAL_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "þ": "th",
        "ð": "d",
        "ı": "i",
        "ħ": "h",
        "’": "'",
    }
)


# Combining marks left by NFKD decomposition (accents, cedillas, carons, …).
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_text(text: str) -> str:
    """Lower-case and strip accents: 'Präventions-Maßnahme' -> 'praventions-massnahme'.

    Whole documents are folded in one pass (C-speed string operations) before tokenising,
    which is several times faster than folding token by token.
    """
    text = text.lower().translate(_SPECIAL_FOLDS)
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))


fold = lru_cache(maxsize=65536)(fold_text)  # the same, cached, for single words


def tokenize(text: str) -> list[str]:
    """The folded words of `text`, in order: exactly the neutral fields' tokens."""
    return split_words(fold_text(text))


@lru_cache(maxsize=16)
def _document_tokens(text: str) -> tuple[str, ...]:
    # While a document is indexed the same texts go to a neutral field and to the pairs
    # field: tokenise each once.
    return tuple(tokenize(text))


class FastTokenizer(Tokenizer):
    """Fold (or lower-case) the whole text in one pass, then split it into words.

    Whole strings are folded with C-speed string operations, several times faster than
    Whoosh's token-by-token filters, which were most of the indexing time.
    """

    def __init__(self, fold: bool = True) -> None:
        self.fold = fold

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FastTokenizer) and other.fold == self.fold

    def __hash__(self) -> int:
        return hash(("FastTokenizer", self.fold))

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = fold_text(value) if self.fold else value.lower()
        if chars or keeporiginal or not tokenize:
            # Paths we never take (character offsets, whole values): the general tokenizer.
            yield from RegexTokenizer(TOKEN_PATTERN)(
                text,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
            return
        pos = start_pos
        for word in split_words(text):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = pos
                pos += 1
            yield t


# Inflectional endings, folded, longest first. Deliberately conservative: a light stemmer
# that over-strips merges unrelated words, which costs more precision than it gains recall.
_PL_SUFFIXES = (
    "owania owanie iami iach owie ach ami ego emu iej ich ych ymi imi iom iem owi ow om em "
    "ie ia iu ej mi ym im a e i o u y"
)
_CS_SUFFIXES = (
    "ovani ach ech ich ych ami emi ove ovi imi ymi eho emu iho imu ou em om am at mi ho a e i o u y"
)
_LIGHT_SUFFIXES = {"pl": tuple(_PL_SUFFIXES.split()), "cs": tuple(_CS_SUFFIXES.split())}
_LIGHT_SUFFIXES["sk"] = _LIGHT_SUFFIXES["cs"]
_MIN_STEM = 3


@lru_cache(maxsize=65536)
def light_stem(word: str, lang: str) -> str:
    """Strip one inflectional ending from a folded word, keeping at least three letters."""
    for suffix in _LIGHT_SUFFIXES[lang]:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


_local = threading.local()


def _pystemmer(lang: str):
    """One PyStemmer object per thread and language (they are not thread-safe)."""
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = Stemmer.Stemmer(PYSTEMMER_ALGORITHMS[lang])
    return stemmers[lang]


# Estonian: Snowball keeps the stem vowel of the inflected forms but not of the nominative
# ("kool" -> "kool", "koolis" and "kooli" -> "kooli"), nor does it join the -ne/-se
# declension ("seksuaalne" -> "seksuaalne", "seksuaalse" -> "seksuaalse"): the stem's -ne
# becomes -se, then it loses a final vowel.
_ESTONIAN_VOWELS = frozenset("aeiouõäöü")
_MIN_ESTONIAN_STEM = 4
# Nor does it keep the -tus nouns together: "koolitus" (training) -> "kooli", like "koolis" (at
# school), but "koolituse" -> "koolitus". Their case forms keep the noun whole.
_ESTONIAN_TUS = re.compile(r"(\w{3,}tus)(?:e|t|el|es|ele|est|eks|ega|eta|eni|ena|ed|i|te|tele)?")


def _pystemmer_stem(word: str, lang: str) -> str:
    if lang == "et" and (noun := _ESTONIAN_TUS.fullmatch(word)):
        return noun.group(1)
    stem = _pystemmer(lang).stemWord(word)
    if lang == "et":
        if stem.endswith("ne") and len(stem) > _MIN_ESTONIAN_STEM + 1:
            stem = stem[:-2] + "se"
        if len(stem) > _MIN_ESTONIAN_STEM and stem[-1] in _ESTONIAN_VOWELS:
            stem = stem[:-1]
    return stem


@lru_cache(maxsize=64)
def _word_stemmer(lang: str):
    """lower-cased word -> folded stem, or None for a stop word (one cached call per token)."""
    if lang in SNOWBALL_LANGUAGES:
        stoplist = stopwords_for_language(lang) if has_stopwords(lang) else frozenset()
        stem = stemmer_for_language(lang)

        def snowball(word: str) -> str | None:
            if len(word) < 2 or word in stoplist:
                return None
            return fold(stem(word))

        return lru_cache(maxsize=200_000)(snowball)

    if lang in PYSTEMMER_ALGORITHMS:
        folded_stops = stopwords(lang)

        def pystemmer(word: str) -> str | None:
            if len(word) < 2 or fold(word) in folded_stops:
                return None
            return fold(_pystemmer_stem(word, lang))

        return lru_cache(maxsize=200_000)(pystemmer)

    def light(word: str) -> str | None:
        return None if len(word) < 2 else light_stem(fold(word), lang)

    return lru_cache(maxsize=200_000)(light)


def stem_word(word: str, lang: str) -> str | None:
    """A lower-cased word's folded stem in `lang`, or None for a stop word (cached)."""
    return _word_stemmer(lang)(word)


class StemFoldFilter(Filter):
    """Stop words out, then stem and fold, as one cached lookup per token (input lower-cased).

    Stemming comes before folding because the Snowball stemmers read the accents.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemFoldFilter) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("StemFoldFilter", self.lang))

    def __call__(self, tokens):
        stem = _word_stemmer(self.lang)
        for t in tokens:
            text = stem(t.text)
            if text is not None:
                t.text = text
                yield t


class NeutralAnalyzer(Analyzer):
    """Fold and tokenise; no stop words, so phrases keep every word."""

    def __init__(self) -> None:
        self.tokenizer = FastTokenizer(fold=True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NeutralAnalyzer)

    def __hash__(self) -> int:
        return hash("NeutralAnalyzer")

    def __call__(self, value, **kwargs):
        return self.tokenizer(value, **kwargs)

    def words(self, value: str) -> tuple[str, ...]:
        """The tokens as plain strings (the fast path of app.search.backends.whoosh_schema)."""
        return _document_tokens(value)


class LanguageAnalyzer(Analyzer):
    """Lower-case and tokenise, drop the language's stop words, stem, then fold."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.tokenizer = FastTokenizer(fold=False)
        self.filter = StemFoldFilter(lang)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("LanguageAnalyzer", self.lang))

    def __call__(self, value, **kwargs):
        return self.filter(self.tokenizer(value, **kwargs))

    def words(self, value: str) -> list[str]:
        stem = _word_stemmer(self.lang)
        return [s for w in split_words(value.lower()) if (s := stem(w)) is not None]


class PairsAnalyzer(Analyzer):
    """Consecutive folded word pairs ("body safety"), for phrase search without positions.

    The value is a list of texts (title, summary, …); pairs never span two of them. A phrase
    of n words matches a document holding all of its n-1 pairs: exact for two words, and for
    longer phrases it only errs when every pair occurs but never all in a row, which natural
    text makes rare. Much cheaper than checking positions in Python (TOOLING.md: phrase
    queries were the slowest kind).
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairsAnalyzer)

    def __hash__(self) -> int:
        return hash("PairsAnalyzer")

    def __call__(self, value, positions=False, mode="", **kwargs):
        t = Token(positions, False, mode=mode, **kwargs)
        for pos, word in enumerate(self.words(value)):
            t.text, t.boost, t.stopped = word, 1.0, False
            if positions:
                t.pos = pos
            yield t

    def words(self, value: str | list[str] | tuple[str, ...]) -> list[str]:
        texts = [value] if isinstance(value, str) else value
        out: list[str] = []
        for text in texts:
            out.extend(pairs(_document_tokens(text)))
        return out


def pairs(tokens: list[str] | tuple[str, ...]) -> list[str]:
    """'a b c' -> ['a b', 'b c']: the terms of the pairs field."""
    return [f"{a} {b}" for a, b in pairwise(tokens)]


def neutral_analyzer() -> NeutralAnalyzer:
    return NeutralAnalyzer()


def language_analyzer(lang: str) -> LanguageAnalyzer:
    return LanguageAnalyzer(lang)


def analyze(text: str, lang: str | None = None) -> list[str]:
    """Tokens of `text` as the neutral field (lang None) or a language's field indexes them."""
    if lang is None:
        return tokenize(text)
    return _cached_language_analyzer(lang).words(text)


@lru_cache(maxsize=32)
def _cached_language_analyzer(lang: str) -> LanguageAnalyzer:
    return LanguageAnalyzer(lang)


STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.json"


@lru_cache(maxsize=32)
def stopwords(lang: str) -> frozenset[str]:
    """The folded function words of one language: Whoosh's list and ours (data/stopwords.json:
    the whole list of a language Whoosh has none for, the words its list lacks for others)."""
    words = list(_extra_stopwords().get(lang, ()))
    if has_stopwords(lang):
        words += stopwords_for_language(lang)
    return frozenset(fold(w) for w in words)


@lru_cache(maxsize=1)
def _extra_stopwords() -> dict[str, list[str]]:
    with STOPWORDS_FILE.open(encoding="utf-8") as handle:
        return {k: v for k, v in json.load(handle).items() if not k.startswith("_")}


STOPWORD_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip


@lru_cache(maxsize=1)
def query_stopwords() -> frozenset[str]:
    """Function words of the 24 EU languages, folded: they never expand, match nor highlight
    (unless a query holds nothing else)."""
    words: set[str] = set()
    for lang in STOPWORD_LANGUAGES:
        words.update(stopwords(lang))
    return frozenset(words)


def word_forms(text: str, lang: str | None) -> list[tuple[str, str | None]]:
    """Each word of `text` as (folded word, its stem in `lang` or None), in order."""
    stem = _word_stemmer(lang) if lang in STEMMED_LANGUAGES else None
    out = []
    for raw in split_words(text.lower()):
        out.append((fold(raw), stem(raw) if stem else None))
    return out


def typed_word(text: str) -> str:
    """The word itself in `text` as typed, without the punctuation around it ("Rat," -> "Rat")."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end] or text


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, or limit + 1 when it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
