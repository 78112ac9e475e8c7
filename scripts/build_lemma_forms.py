"""Write app/search/data/lemma_forms.json.gz: per vocabulary language, the inflected forms of the
vocabulary's words ("lasten" -> "lapsi"), taken from simplemma's lemma dictionaries.

simplemma (a development requirement only) takes 26 s and 1 GB to load every language, far too
much for the app, which only needs the forms of the few thousand words its concepts use. Run
after changing app/search/data/concepts.json:

    .venv/bin/python scripts/build_lemma_forms.py

Everything is folded as the search tokenizer folds ("Väkivaltaa" -> "vakivaltaa"). A form is left
out when it is not one token, ambiguous (its spellings lead to two lemmas, or it is a lemma
itself), shorter than MIN_FORM letters, a function word, an acronym of the vocabulary, a word of
the vocabulary in another language only, or when it would make terms of two concepts alike.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simplemma.strategies.dictionaries.dictionary_factory import (  # noqa: E402
    _load_dictionary_from_disk,
)

from app.search.analysis import fold, query_stopwords, stopwords, tokenize  # noqa: E402
from app.search.concepts import load_concepts  # noqa: E402
from app.search.lemmas import LEMMA_FILE, LEMMA_LANGUAGES  # noqa: E402

SOURCE = "simplemma 2.0.0"
MIN_FORM = 4  # shorter forms are too often another language's word ("ole", "tai")
# English participles and gerunds are the field's nouns and adjectives ("grooming", "abused
# child"), not the verb's forms ("groom", "abuse children"); the stemmer already joins the rest.
ENGLISH_VERB_FORMS = ("ed", "ing")


def vocabulary_words() -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]]]:
    """Per language: the words of its terms and phrasings as written, and (folded) per concept
    term the folded words, keyed by concept id."""
    written: dict[str, set[str]] = defaultdict(set)
    terms: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for concept in load_concepts().concepts:
        for lang, texts in (*concept.terms.items(), *concept.phrases.items()):
            for text in texts:
                written[lang].update(w for w in text.replace("-", " ").split() if w)
        for lang, texts in concept.terms.items():
            for text in texts:
                terms[lang][" ".join(tokenize(text))].add(concept.id)
    return written, terms


def lemma_of(dictionary: dict[bytes, bytes], word: str) -> str:
    """The word's lemma as simplemma's dictionary lookup finds it, else the word itself."""
    for variant in (word, word.lower(), word.capitalize()):
        found = dictionary.get(variant.encode())
        if found is not None:
            return found.decode()
    return word


def forms_for(lang: str, dictionary: dict[bytes, bytes], written: set[str]) -> dict[str, str]:
    """Folded form -> folded lemma for every unambiguous form of the words' lemmas."""
    stop = stopwords(lang) | query_stopwords()
    targets = {fold(lemma_of(dictionary, w).strip(".,;:!?\"'()")) for w in written}
    targets = {t for t in targets if t and t not in stop}
    # Folded form -> its lemmas read from lower-case keys, then from capitalised ones: a common
    # word's reading goes before a name's ("bērnu" -> "bērns", not "Bernu" -> "Berne").
    lemmas_of: dict[str, tuple[set[str], set[str]]] = {}
    all_lemmas: set[str] = set()
    for key, value in dictionary.items():
        lemma = fold(value.decode())
        all_lemmas.add(lemma)
        if lemma in targets:
            lemmas_of.setdefault(fold(key.decode()), (set(), set()))
    # A second pass reads every spelling of the forms kept.
    for key, value in dictionary.items():
        word = key.decode()
        readings = lemmas_of.get(fold(word))
        if readings is not None:
            readings[0 if word[:1].islower() else 1].add(fold(value.decode()))
    out = {}
    for form, (common, named) in lemmas_of.items():
        lemmas = common or named
        if len(lemmas) != 1:
            continue
        lemma = finnish_adjective(form, lemmas.pop(), targets) if lang == "fi" else lemmas.pop()
        if lemma == form or lemma not in targets or len(form) < MIN_FORM or form in stop:
            continue
        if tokenize(form) != [form]:  # "най-шведско": the tokenizer never sees it whole
            continue
        if form in all_lemmas:  # a word of its own ("found"), not only a form of another
            continue
        if lang == "en" and form.endswith(ENGLISH_VERB_FORMS):
            continue
        out[form] = lemma
    return out


def finnish_adjective(form: str, lemma: str, targets: set[str]) -> str:
    """The -inen adjective a partitive like "seksuaalista" is, where the dictionary reads it as
    the verb ("seksuaalistaa", to sexualise) and the vocabulary uses the adjective."""
    adjective = form[:-3] + "nen"
    if lemma == form + "a" and form.endswith("ista") and adjective in targets:
        return adjective
    return lemma


def drop_collisions(forms: dict[str, str], terms: dict[str, set[str]]) -> list[str]:
    """Leave out the forms that make terms of different concepts one lemma key; return them."""
    dropped = []
    while True:
        by_key: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for key, ids in terms.items():
            lemma_key = " ".join(forms.get(w, w) for w in key.split())
            for concept_id in ids:
                by_key[lemma_key][key].add(concept_id)
        culprits = set()
        for keys in by_key.values():
            concepts = list(keys.values())
            if len(keys) > 1 and any(a != concepts[0] for a in concepts[1:]):
                culprits.update(w for key in keys for w in key.split() if w in forms)
        if not culprits:
            return dropped
        for word in culprits:
            dropped.append(f"{word}->{forms.pop(word)}")


def main() -> None:
    written, terms = vocabulary_words()
    folded_words = {
        lang: {fold(w) for t in words for w in tokenize(t)} for lang, words in written.items()
    }
    out: dict[str, dict[str, list[str]]] = {}
    for lang, source in LEMMA_LANGUAGES.items():
        forms = forms_for(lang, _load_dictionary_from_disk(source), written[lang])
        # A word of the vocabulary in another language, not this one, is read as that word.
        elsewhere = set().union(*(w for other, w in folded_words.items() if other != lang))
        for form in list(forms):
            if form in elsewhere and form not in folded_words[lang]:
                del forms[form]
        # An acronym is no inflected word: "MAPs" (minor-attracted persons) is not "map".
        for word in written[lang]:
            if sum(c.isupper() for c in word) >= 2:
                forms.pop(fold(word), None)
        dropped = drop_collisions(forms, terms[lang])
        by_lemma: dict[str, list[str]] = defaultdict(list)
        for form, lemma in sorted(forms.items()):
            by_lemma[lemma].append(form)
        out[lang] = dict(sorted(by_lemma.items()))
        print(f"{lang}: {len(forms)} forms of {len(by_lemma)} lemmas; collisions: {dropped}")
    data = {"source": SOURCE, "languages": out}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0: the same forms give the same bytes, so the index versions change only with them.
    LEMMA_FILE.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    print(f"{LEMMA_FILE}: {LEMMA_FILE.stat().st_size} bytes")


if __name__ == "__main__":
    main()
