"""A small curated multilingual thesaurus of the field's core terms, used to expand queries.

Each concept lists equivalent terms in several EU languages. A query that contains one of them
also searches for the others (at a lower weight); the results page shows each expansion and
lets the user remove it. Terms are matched on their folded words, so case and accents do not
matter; list the inflected forms that people actually type.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.search.analysis import analyze, tokenize


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    terms: tuple[str, ...]


def _concept(concept_id: str, label: str, terms: str) -> Concept:
    return Concept(concept_id, label, tuple(t.strip() for t in terms.split(";") if t.strip()))


# Terms separated by semicolons.
CONCEPTS: tuple[Concept, ...] = (
    _concept(
        "grooming",
        "grooming",
        "grooming; online grooming; cybergrooming; cyber grooming; child grooming; "
        "Cybergrooming; pédopiégeage; manipulation en ligne; adescamento; "
        "adescamento online; acoso sexual infantil en línea; embaucamiento; child luring; "
        "uwodzenie dzieci; kindergrooming",
    ),
    _concept(
        "sextortion",
        "sextortion",
        "sextortion; sexual extortion; sexuelle Erpressung; sexueller Erpressung; "
        "chantage sexuel; sextorsión; extorsión sexual; sextorsione; estorsione sessuale; "
        "seksuele afpersing; sekstorsja; sexuell utpressning",
    ),
    _concept(
        "csam",
        "child sexual abuse material",
        "csam; child sexual abuse material; child sexual abuse materials; "
        "child sexual abuse images; child abuse images; child pornography; "
        "indecent images of children; Missbrauchsabbildungen; Missbrauchsdarstellungen; "
        "Kinderpornografie; Kinderpornographie; pédopornographie; "
        "matériel d'abus sexuel sur enfant; matériel pédopornographique; "
        "material de abuso sexual infantil; pornografía infantil; pedopornografia; "
        "materiale pedopornografico; kinderpornografie; "
        "beeldmateriaal van seksueel misbruik; pornografia dziecięca; dětská pornografie; "
        "barnpornografi; övergreppsmaterial; csem",
    ),
    _concept(
        "paedophilia",
        "paedophilia / pedophilic disorder",
        "paedophilia; pedophilia; paedophile; pedophile; paedophiles; pedophiles; "
        "pedophilic disorder; paedophilic disorder; sexual interest in children; Pädophilie; "
        "pädophil; pädophile; pädophiler; pédophilie; pédophile; pedofilia; pedófilo; "
        "pedofilo; pedofilie; pedofiel; pedofiele; pedofil; pedofili; hebephilia; Hebephilie; "
        "sexually attracted to children; sexuell zu Kindern hingezogen; "
        "attirées sexuellement par les enfants; attirés sexuellement par les enfants; "
        "seksueel aangetrokken tot kinderen; atracción sexual por menores",
    ),
    _concept(
        "reintegration",
        "offender reintegration",
        "offender reintegration; reintegration; resettlement; desistance; "
        "circles of support and accountability; cosa; Wiedereingliederung; Resozialisierung; "
        "réinsertion; réintégration; reinserción; reinserimento; reïntegratie; "
        "resocjalizacja; återanpassning",
    ),
    _concept(
        "bystander",
        "bystander",
        "bystander; bystanders; bystander intervention; upstander; Zivilcourage; témoin; "
        "témoins; espectador; testimone; omstander; świadek; åskådare",
    ),
    _concept(
        "helpline",
        "helpline",
        "helpline; helplines; hotline; hotlines; help line; telephone line; Hilfetelefon; "
        "Beratungstelefon; Sorgentelefon; ligne d'écoute; numéro d'écoute; línea de ayuda; "
        "teléfono de ayuda; linea di ascolto; telefono amico; hulplijn; telefon zaufania; "
        "linka důvěry; stödlinje; hjälplinje",
    ),
    _concept(
        "csa",
        "child sexual abuse",
        "child sexual abuse; sexual abuse of children; csa; child abuse; "
        "sexueller Kindesmissbrauch; Kindesmissbrauch; sexueller Missbrauch; "
        "abus sexuel sur enfant; abus sexuels sur mineurs; violences sexuelles sur enfants; "
        "abuso sexual infantil; abuso sessuale sui minori; kindermisbruik; "
        "seksueel misbruik van kinderen; wykorzystywanie seksualne dzieci; "
        "sexuální zneužívání dětí; sexuella övergrepp mot barn",
    ),
    _concept(
        "body_safety",
        "body safety education",
        "body safety; body safety education; personal safety education; body boundaries; "
        "Körperschutz; Körperwissen; Körpergrenzen; mein Körper gehört mir; "
        "prévention des abus; autoprotección; educazione all'affettività; weerbaarheid; "
        "min kropp; stopp min kropp; granice ciała; granicach ciała; kehon rajat; "
        "kehon rajoja; turvataidot",
    ),
    _concept(
        "online_safety",
        "online safety",
        "online safety; internet safety; e-safety; safer internet; Medienkompetenz; "
        "sécurité en ligne; seguridad en internet; sicurezza online; online veiligheid; "
        "bezpieczeństwo w sieci; bezpieczny internet",
    ),
    _concept(
        "teachers",
        "teachers and school staff",
        "teachers; teacher; school staff; teaching staff; Lehrkräfte; Lehrkraft; Lehrer; "
        "Lehrerinnen; enseignants; enseignantes; professeurs; profesorado; docentes; "
        "insegnanti; docenti; leraren; leerkrachten; nauczyciele; nauczycieli; lärare; "
        "opettajat; lærere; professores; profesori; učitelé",
    ),
    _concept(
        "harmful_sexual_behaviour",
        "harmful sexual behaviour by children and young people",
        "harmful sexual behaviour; harmful sexual behavior; problematic sexual behaviour; "
        "problem sexual behavior; sexually harmful behaviour; sexually abusive behaviour; "
        "problematisches sexuelles Verhalten; sexuell grenzverletzendes Verhalten; "
        "comportements sexuels problématiques; conductas sexuales problemáticas; "
        "comportamenti sessuali problematici; grensoverschrijdend seksueel gedrag; "
        "problematiskt sexuellt beteende; skadligt sexuellt beteende",
    ),
    _concept(
        "faith_communities",
        "faith communities and places of worship",
        "places of worship; faith communities; churches; mosques; synagogues; parishes; "
        "Kirchengemeinden; Gemeinden; paroisses; lieux de culte; parroquias; parrocchie; "
        "kerken; moskeeën; parafie; församlingar",
    ),
    _concept(
        "young_people",
        "adolescents and young people",
        "young people; adolescents; teenagers; youth; Jugendliche; junge Menschen; jeunes; "
        "adolescents; jóvenes; adolescentes; giovani; adolescenti; jongeren; młodzież; "
        "młodzieży; nastolatki; ungdomar; unga; unge; nuoret; mládež; tineri; fiatalok",
    ),
    _concept(
        "parents",
        "parents and carers",
        "parents; carers; parents and carers; Eltern; Bezugspersonen; parents; familles; "
        "padres; familias; genitori; famiglie; ouders; opvoeders; rodzice; rodziców; "
        "föräldrar; forældre; vanhemmat; pais; encarregados de educação; rodiče; părinți",
    ),
    _concept(
        "therapy",
        "therapy and treatment",
        "therapy; psychotherapy; Therapie; Psychotherapie; Behandlung; Therapieangebot; "
        "thérapie; psychothérapie; prise en charge; terapia; psicoterapia; tratamiento; "
        "therapie; behandeling; terapii; behandling; terapi; hoito; terapie",
    ),
    _concept(
        "prevention_therapy",
        "prevention therapy for people at risk of offending",
        "prevention therapy; treatment for people at risk; self-help programme; "
        "Präventionstherapie; Therapieangebot; kein Täter werden; thérapie préventive; "
        "terapia preventiva; preventieve behandeling; terapia prewencyjna",
    ),
    _concept(
        "trafficking",
        "trafficking and sexual exploitation",
        "trafficking; child trafficking; sexual exploitation; "
        "commercial sexual exploitation; Menschenhandel; sexuelle Ausbeutung; "
        "traite des enfants; exploitation sexuelle; trata; explotación sexual; tratta; "
        "sfruttamento sessuale; mensenhandel; seksuele uitbuiting; handel ludźmi",
    ),
)

CONCEPTS_BY_ID = {c.id: c for c in CONCEPTS}


# Terms also match through these languages' stems, so "Missbrauchsabbildung" finds the listed
# "Missbrauchsabbildungen" and "helpline" the listed "helplines".
MATCH_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv")


def _keys(words: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    keys = [("", words)]
    for lang in MATCH_LANGUAGES:
        stems = tuple(analyze(" ".join(words), lang))
        # Every word must keep its stem: a dropped function word would let "helpline for"
        # pass for "helpline".
        if len(stems) == len(words) and all(len(s) > 2 for s in stems):
            keys.append((lang, stems))
    return keys


@lru_cache(maxsize=1)
def _term_index() -> dict[tuple[str, tuple[str, ...]], tuple[str, ...]]:
    """(language or "", folded words or their stems) of each term -> its concepts' ids."""
    index: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for concept in CONCEPTS:
        for term in concept.terms:
            words = tuple(tokenize(term))
            if not words:
                continue
            for key in _keys(words):
                if concept.id not in index.setdefault(key, []):
                    index[key].append(concept.id)
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=1)
def max_term_length() -> int:
    return max(len(words) for lang, words in _term_index() if lang == "")


@lru_cache(maxsize=4096)
def concepts_for(words: tuple[str, ...]) -> tuple[str, ...]:
    """Concept ids with a term of these folded words, or of the same stems in a language."""
    index = _term_index()
    found: list[str] = []
    for key in _keys(words):
        for concept in index.get(key, ()):
            if concept not in found:
                found.append(concept)
    return tuple(found)


def alternatives(concept_id: str, matched: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """The concept's other terms as (folded words, term as written), without the typed one."""
    seen = {matched}
    out = []
    for term in CONCEPTS_BY_ID[concept_id].terms:
        key = tuple(tokenize(term))
        if key and key not in seen:
            seen.add(key)
            out.append((key, term))
    return out
