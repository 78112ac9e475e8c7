"""Synthetic but plausible measures for load tests and search benchmarks (`measures generate`).

`build_record(seed, n)` is a pure function: measure n of a seed is always the same record,
whatever N is asked for. `generate_measures` writes rows straight into the tables with one
multi-row INSERT per table and batch (no service call, no ORM unit of work per measure),
which is what makes 10,000 measures take seconds. The rows are what the services would
store: revision columns from the record, list keys as revision_terms, evidence computed by
app.evidence.ruleset_2027 (app/measures/evidence_state.py); nothing needs language detection,
because every record names its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.evidence.ruleset_2027 import compute_evidence
from app.measures.evidence_state import digest_of, is_provisional
from app.measures.generate_format2 import (
    add_evaluation_keys,
    add_profile_keys,
    format2_rng,
    in_record_order,
)
from app.measures.models import (
    LIST_KEYS,
    Evaluation,
    EvaluationResult,
    Measure,
    MeasureRevision,
    MeasureStatus,
    RevisionState,
    RevisionTerm,
)
from app.outbox.services import enqueue_index_changes
from app.records import vocab
from app.records.model import MeasureRecord, nested_model
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS

SYNTHETIC_TITLE = "Synthetic: "

# Phrase vocabularies: a sentence is subject + verb + object + tail, so a few dozen phrases
# give hundreds of thousands of distinct sentences with a realistic, skewed word frequency.
# English carries most of the corpus; six other EU languages exercise the stemmed fields.
_EN = {
    "subject": "The programme|Each trained facilitator|Every participating school|"
    "The project team|The local child protection service|The youth worker|The helpline|"
    "The campaign|A peer educator|A specialised therapist|The online module|"
    "A community volunteer|The prevention unit|The sports club|The family support worker|"
    "The counselling service",
    "verb": "strengthens|supports|trains|reaches|informs|empowers|encourages|equips|involves|"
    "works with|guides|screens|accompanies|builds the capacity of|raises awareness among",
    "object": "children and adolescents|parents and carers|teachers and school staff|"
    "early childhood educators|people at risk of offending|young people online|"
    "professionals in health care|coaches and volunteers|residential care staff|"
    "families in vulnerable situations|adults worried about their sexual thoughts|"
    "bystanders in the community|online service providers|frontline social workers",
    "tail": "to recognise the warning signs of grooming|through age-appropriate classroom sessions|"
    "with a confidential, anonymous helpline|using a structured manual and role play|"
    "in cooperation with local partners|so that disclosures are handled safely|"
    "by teaching body safety and consent|with cognitive behavioural therapy in small groups|"
    "through short videos and interactive exercises|across schools, clubs and youth centres|"
    "to reduce the risk of a first offence|to build safe and supportive environments|"
    "with clear reporting procedures and codes of conduct|during a twelve-week course|"
    "by removing abuse material from the internet quickly|and follows up after six months",
    "heads": "Approach|Target group|How it works|Implementation|Results so far|Background",
    "title_a": "Safe|Strong|Brave|Bright|Clear|Protective|Together|Open|Secure|Early",
    "title_b": "Steps|Voices|Futures|Circles|Choices|Connections|Boundaries|Pathways|Spaces",
    "title_c": "programme|initiative|project|network|curriculum|helpline|toolkit|partnership",
    "org": "Child Safety Foundation|Centre for Prevention Research|Safeguarding Network|"
    "Family Support Trust|Institute for Child Protection|Youth Welfare Association",
    "finding": "Participants showed more knowledge of body safety after the sessions.|"
    "Parents reported greater confidence in talking about abuse.|"
    "Disclosures to trusted adults increased in the intervention group.|"
    "Self-reported risk factors decreased at follow-up.|"
    "Professionals applied the safeguarding procedures more consistently.|"
    "No difference between groups was found on the main outcome.|"
    "Help-seeking contacts rose steadily during the campaign.",
}
_OTHER = {
    "de": {
        "subject": "Das Programm|Jede geschulte Fachkraft|Die Schule|Das Projektteam|"
        "Die Beratungsstelle|Die Kampagne|Die Therapeutin|Der Sportverein",
        "verb": "stärkt|unterstützt|schult|begleitet|informiert|sensibilisiert|erreicht|ermutigt",
        "object": "Kinder und Jugendliche|Eltern und Bezugspersonen|Lehrkräfte|"
        "pädagogische Fachkräfte|Menschen mit pädophiler Neigung|junge Menschen im Internet",
        "tail": "im Umgang mit sexualisierter Gewalt|bei der Erkennung von Grooming|"
        "durch altersgerechte Präventionsprogramme|in regelmäßigen Workshops|"
        "mit einem vertraulichen Therapieangebot|auf der Grundlage eines Handbuchs",
        "heads": "Ansatz|Zielgruppe|Umsetzung|Ergebnisse",
        "title_a": "Starke|Sichere|Mutige|Gemeinsame",
        "title_b": "Kinder|Schritte|Grenzen|Netzwerke",
        "title_c": "Präventionsprogramm|Initiative|Projekt|Schutzkonzept",
        "org": "Kinderschutzbund|Landesstelle für Prävention|Verein Sichere Kindheit",
    },
    "fr": {
        "subject": "Le programme|Chaque professionnel formé|L'école|L'équipe du projet|"
        "Le service d'écoute|La campagne|L'animateur",
        "verb": "renforce|soutient|forme|accompagne|informe|sensibilise|encourage",
        "object": "les enfants et les adolescents|les parents|les enseignants|"
        "les éducateurs|les personnes à risque de passage à l'acte|les jeunes en ligne",
        "tail": "face aux violences sexuelles|pour repérer les signes de pédopiégeage|"
        "grâce à des ateliers adaptés à l'âge|avec une ligne d'écoute anonyme|"
        "en lien avec les partenaires locaux|à l'aide d'un manuel structuré",
        "heads": "Approche|Public visé|Mise en œuvre|Résultats",
        "title_a": "Ensemble|Protéger|Grandir|Parler",
        "title_b": "en sécurité|sans peur|avec confiance|autrement",
        "title_c": "programme|projet|dispositif|réseau",
        "org": "Association Enfance Protégée|Centre de ressources prévention|Fondation Enfance",
    },
    "es": {
        "subject": "El programa|Cada profesional formado|El centro educativo|"
        "El equipo del proyecto|La línea de ayuda|La campaña",
        "verb": "fortalece|apoya|forma|acompaña|informa|sensibiliza",
        "object": "a niños, niñas y adolescentes|a las familias|al profesorado|"
        "a los entrenadores deportivos|a las personas en riesgo de agredir",
        "tail": "frente a la violencia sexual|para detectar el grooming|"
        "mediante talleres adaptados a la edad|con una línea de ayuda confidencial|"
        "junto con entidades locales",
        "heads": "Enfoque|Destinatarios|Implementación|Resultados",
        "title_a": "Entornos|Pasos|Voces|Redes",
        "title_b": "seguros|protectores|valientes|compartidos",
        "title_c": "programa|proyecto|iniciativa|red",
        "org": "Fundación Infancia Segura|Asociación para la Prevención|Centro de Protección",
    },
    "it": {
        "subject": "Il programma|Ogni operatore formato|La scuola|Il gruppo di progetto|"
        "Il servizio di ascolto|La campagna",
        "verb": "rafforza|sostiene|forma|accompagna|informa|sensibilizza",
        "object": "bambini e adolescenti|i genitori|gli insegnanti|gli educatori|"
        "le persone a rischio di commettere abusi",
        "tail": "contro la violenza sessuale|per riconoscere l'adescamento online|"
        "con laboratori adatti all'età|con una linea di ascolto anonima|"
        "insieme ai partner del territorio",
        "heads": "Approccio|Destinatari|Attuazione|Risultati",
        "title_a": "Crescere|Proteggere|Insieme|Ascoltare",
        "title_b": "sicuri|connessi|liberi|forti",
        "title_c": "programma|progetto|rete|percorso",
        "org": "Associazione Infanzia Sicura|Centro per la Prevenzione|Fondazione Bambini",
    },
    "nl": {
        "subject": "Het programma|Elke getrainde begeleider|De school|Het projectteam|"
        "De hulplijn|De campagne",
        "verb": "versterkt|ondersteunt|traint|begeleidt|informeert|bereikt",
        "object": "kinderen en jongeren|ouders en verzorgers|leerkrachten|jeugdwerkers|"
        "mensen met een seksuele interesse in kinderen",
        "tail": "bij het herkennen van grooming|met lessen die passen bij de leeftijd|"
        "via een anonieme chat|samen met lokale partners|op basis van een handleiding",
        "heads": "Aanpak|Doelgroep|Uitvoering|Resultaten",
        "title_a": "Veilig|Sterk|Samen|Open",
        "title_b": "Opgroeien|Verder|Online|Thuis",
        "title_c": "programma|project|netwerk|aanpak",
        "org": "Stichting Veilig Opgroeien|Expertisecentrum Preventie|Kinderrechtenhuis",
    },
    "pl": {
        "subject": "Program|Każdy przeszkolony trener|Szkoła|Zespół projektu|Telefon zaufania|"
        "Kampania",
        "verb": "wzmacnia|wspiera|szkoli|towarzyszy|informuje|uwrażliwia",
        "object": "dzieci i młodzież|rodziców i opiekunów|nauczycieli|wychowawców|"
        "osoby zagrożone popełnieniem przestępstwa",
        "tail": "w rozpoznawaniu uwodzenia w internecie|poprzez zajęcia dostosowane do wieku|"
        "dzięki anonimowej linii wsparcia|we współpracy z partnerami lokalnymi",
        "heads": "Podejście|Grupa docelowa|Wdrożenie|Wyniki",
        "title_a": "Bezpieczne|Silne|Wspólne|Odważne",
        "title_b": "dzieciństwo|kroki|granice|sieci",
        "title_c": "program|projekt|inicjatywa|sieć",
        "org": "Fundacja Bezpieczne Dzieciństwo|Ośrodek Profilaktyki|Stowarzyszenie Ochrony Dzieci",
    },
}
_VOCAB = {
    lang: {key: text.split("|") for key, text in phrases.items()}
    for lang, phrases in {"en": _EN, **_OTHER}.items()
}
# Where each text language is implemented; English text also comes from the rest of the EU.
_COUNTRIES = {
    "de": ["DE", "AT", "LU"],
    "fr": ["FR", "BE", "LU"],
    "es": ["ES"],
    "it": ["IT", "MT"],
    "nl": ["NL", "BE"],
    "pl": ["PL"],
    "en": ["IE", "MT", "GB", "SE", "FI", "DK", "CZ", "PT", "GR", "RO", "HU", "EE", "SI", "NO"],
}
_LANGUAGE_WEIGHTS = {"en": 50, "de": 12, "fr": 10, "es": 8, "it": 7, "nl": 7, "pl": 6}
# Evidence profiles and their shares; each yields evaluations that land on one level.
_PROFILES = {
    "none": 14, "emerging": 14, "preliminary": 18, "promising": 18, "supported": 14,
    "well_supported": 10, "no_effect": 5, "mixed": 4, "harm": 3,
}  # fmt: skip
# Record keys stored as plain revision columns ("status" is the programme_status column); the
# lists of objects (contacts …) are JSON columns that hold [] rather than NULL.
_SCALAR_KEYS = [k for k in RECORD_KEYS if k not in (*LIST_KEYS, "evaluations", "external_id")]
_JSON_LISTS = frozenset(k for k in _SCALAR_KEYS if nested_model(MeasureRecord, k) is not None)
_COLUMN = {"status": "programme_status"}
_EVALUATION_COLUMNS = [k for k in EVALUATION_KEYS if k != "results"]
_STRONG = ("rct", "cluster_rct", "quasi_experimental", "interrupted_time_series")
_T12 = ("disclosure", "help_seeking", "protective_behaviour", "risk_factors", "recidivism")
_T3 = ("knowledge", "attitudes", "skills", "wellbeing")


def _sentences(rng: random.Random, words: dict[str, list[str]], count: int) -> str:
    # One choices() call per part, not per word: text generation is most of the run time.
    parts = [rng.choices(words[k], k=count) for k in ("subject", "verb", "object", "tail")]
    return " ".join(f"{s} {v} {o} {t}." for s, v, o, t in zip(*parts, strict=True))


def _sentence(rng: random.Random, words: dict[str, list[str]]) -> str:
    return _sentences(rng, words, 1)


def _text(rng: random.Random, words: dict[str, list[str]], min_words: int, max_words: int) -> str:
    """Markdown with headed sections of paragraphs, between min_words and max_words long."""
    # A paragraph adds at most ~120 words: stop early enough to stay under max_words.
    target, count, parts = rng.randint(min_words, max_words - 130), 0, []
    while count < target:
        heading = rng.choice(words["heads"])
        parts.append(f"## {heading}")
        count += len(heading.split())
        for _ in range(rng.randint(1, 3)):
            paragraph = _sentences(rng, words, rng.randint(3, 7))
            count += len(paragraph.split())
            parts.append(paragraph)
            if count >= target:
                break
    return "\n\n".join(parts)


def _pick(rng: random.Random, values: tuple[str, ...], low: int, high: int) -> list[str]:
    return rng.sample(values, rng.randint(low, high))


def _evaluation(
    rng: random.Random, words: dict[str, list[str]], country: str, design: str, effect: str,
    *, strong: bool = True, follow_up: int | None = None, t12: bool = True,
) -> dict[str, Any]:  # fmt: skip
    findings = _EN["finding"].split("|")
    evaluation: dict[str, Any] = {
        "design": design,
        "year": rng.randint(2000, 2025),
        "country": country if rng.random() < 0.8 else rng.choice(vocab.EU27),
        # High-class trials need at least 40 analysed and at most 20 % attrition.
        "sample_size": rng.randint(60, 3000) if strong else rng.randint(12, 400),
        "attrition_pct": round(rng.uniform(2, 19), 1),
        "independent": rng.random() < 0.5,
        "peer_reviewed": rng.random() < 0.6,
        "outcomes": rng.sample(_T12, rng.randint(1, 2)) + rng.sample(_T3, rng.randint(0, 2))
        if t12
        else rng.sample(_T3, rng.randint(1, 2)),
        "effect": effect,
        "findings": f"{rng.choice(findings)} {_sentence(rng, words)}",
    }
    if design == "quasi_experimental":
        evaluation["comparison_group"] = True
    if follow_up is not None:
        evaluation["follow_up_months"] = follow_up
    if rng.random() < 0.4:
        evaluation["effect_size"] = round(rng.uniform(0.05, 0.8), 2)
    if rng.random() < 0.9:  # the rest are unverifiable, which lowers the level by one
        evaluation["citation"] = f"Evaluation report {evaluation['year']}, synthetic data"
    return evaluation


def _evaluations(rng: random.Random, words: dict, country: str) -> tuple[str, list[dict[str, Any]]]:
    """An evidence profile and evaluations that land on its level."""
    profile = rng.choices(list(_PROFILES), weights=list(_PROFILES.values()))[0]
    return profile, _profile_evaluations(rng, words, country, profile)


def _profile_evaluations(
    rng: random.Random, words: dict, country: str, profile: str
) -> list[dict[str, Any]]:

    def ev(design: str, effect: str, **kw: Any) -> dict[str, Any]:
        return _evaluation(rng, words, country, design, effect, **kw)

    if profile == "none":
        return []
    if profile == "emerging":
        design = rng.choice(("qualitative", "process_evaluation", "case_study"))
        return [ev(design, rng.choice(("positive", "not_reported")), strong=False)]
    if profile == "preliminary":
        return [ev(rng.choice(("pre_post", "cohort")), "positive", strong=False, t12=False)]
    if profile == "promising":
        return [ev(rng.choice(_STRONG), "positive", t12=False, follow_up=rng.randint(0, 24))]
    if profile == "supported":
        return [ev("rct", "positive", follow_up=rng.randint(6, 11))] + [
            ev("qualitative", "positive", strong=False)
        ] * rng.randint(0, 1)
    if profile == "well_supported":
        first = ev("rct", "positive", follow_up=rng.randint(12, 36))
        first.update(independent=True, peer_reviewed=True, citation="Peer-reviewed trial report")
        second = ev(rng.choice(_STRONG), "positive", follow_up=rng.randint(6, 24))
        return [first, second] + [ev("pre_post", "positive", strong=False)] * rng.randint(0, 1)
    if profile == "no_effect":
        return [ev("rct", "no_effect", follow_up=12)]
    if profile == "mixed":
        return [ev("quasi_experimental", "positive"), ev("rct", "mixed"), ev("rct", "no_effect")]
    return [ev("rct", "negative", follow_up=6), ev("pre_post", "positive", strong=False)]


def build_record(seed: int, n: int) -> dict[str, Any]:
    """The n-th synthetic record of `seed`: valid per the schema, the same on every call."""
    rng = random.Random(f"prevent-hub-{seed}-{n}")  # repeatable demo data, not secrets  # nosec B311
    language = rng.choices(list(_LANGUAGE_WEIGHTS), weights=list(_LANGUAGE_WEIGHTS.values()))[0]
    words = _VOCAB[language]
    countries = rng.sample(_COUNTRIES[language], rng.randint(1, min(2, len(_COUNTRIES[language]))))
    if rng.random() < 0.15:
        countries += [c for c in rng.sample(vocab.EU27, 2) if c not in countries]
    title = " ".join(rng.choice(words[k]) for k in ("title_a", "title_b", "title_c"))
    age_min = rng.randint(0, 14)
    start_year = rng.randint(1995, 2024)
    other_languages = [x for x in rng.sample(sorted(_VOCAB), 2) if x != language]
    record: dict[str, Any] = {
        "external_id": f"gen-{seed}-{n}",
        # Labelled in the title, which every list and search result shows, like the demo's
        # synthetic examples: generated measures must never pass for real programmes.
        "title": f"{SYNTHETIC_TITLE}{title[0].upper()}{title[1:]} {n}",
        "summary": _sentences(rng, words, 2),
        "description": _text(rng, words, 300, 2000),
        "countries": countries,
        "text_language": language,
        "languages": [language, *other_languages[: rng.randint(0, 2)]],
        "prevention_level": rng.choice(vocab.PREVENTION_LEVELS),
        "target_groups": _pick(rng, vocab.TARGET_GROUPS, 1, 3),
        "settings": _pick(rng, vocab.SETTINGS, 1, 3),
        "abuse_forms": _pick(rng, vocab.ABUSE_FORMS, 0, 3),
        "delivery": _pick(rng, vocab.DELIVERY, 1, 3),
        "age_min": age_min,
        "age_max": rng.randint(age_min, 18),
        "organisation": f"{rng.choice(words['org'])} {rng.randint(1, 99)}",
        "website": f"https://example.org/generated/{seed}/{n}",
        "start_year": start_year,
        "status": rng.choice(vocab.PROGRAMME_STATUSES),
        "cost_level": rng.choice(vocab.COST_LEVELS),
        "implementation": _sentences(rng, words, rng.randint(1, 3)),
        "manual_available": rng.random() < 0.4,
        "transferability": _sentence(rng, words),
    }
    profile, record["evaluations"] = _evaluations(rng, words, countries[0])
    if record["status"] == "ended":
        record["end_year"] = rng.randint(start_year, 2025)
    # Drop a few optional keys so the corpus has gaps like real data.
    for key in ("abuse_forms", "website", "cost_level", "implementation", "transferability"):
        if not record[key] or rng.random() < 0.15:
            record.pop(key)
    # Record format 2 from a stream of its own: the keys above stay as they always were.
    more = format2_rng(seed, n)
    add_evaluation_keys(more, profile, record["evaluations"])
    add_profile_keys(more, record, _sentences(more, _VOCAB["en"], 2))
    if not record["evaluations"]:
        del record["evaluations"]
    return in_record_order(record)


@dataclass
class GenerateReport:
    first: int
    last: int
    created: int


def _next_number(seed: int) -> int:
    """Continue after earlier runs with the same seed, so external ids never collide."""
    prefix = f"gen-{seed}-"
    ids = db.session.scalars(
        select(Measure.external_id).where(Measure.external_id.startswith(prefix, autoescape=True))
    )
    numbers = [int(x[len(prefix) :]) for x in ids if x and x[len(prefix) :].isdigit()]
    return max(numbers, default=0) + 1


def _rows(record: dict[str, Any], publish: bool, when: datetime) -> dict[str, Any]:
    """Table rows for one record: the measure, its revision, terms, evaluations and their
    results (by evaluation position)."""
    inputs = [{**e, "has_report": False} for e in record.get("evaluations", [])]
    result = compute_evidence(inputs, manual_available=record.get("manual_available"))
    evidence = {
        "evidence_level": result.level,
        "evidence_label": result.label,
        "harm_flag": result.harm_flag,
    }
    measure = {
        "external_id": record["external_id"],
        "organisation": record["organisation"],
        "status": MeasureStatus.PUBLISHED if publish else MeasureStatus.SUBMITTED,
        "created_at": when,
        "updated_at": when,
        "published_at": when if publish else None,
        **evidence,
    }
    revision = {
        "number": 1,
        "state": RevisionState.PUBLISHED if publish else RevisionState.SUBMITTED,
        "created_at": when,
        "updated_at": when,
        "submitted_at": when,
        "decided_at": when if publish else None,
        **{_COLUMN.get(k, k): record.get(k) for k in _SCALAR_KEYS},
        **{k: record.get(k, []) for k in _JSON_LISTS},
        **evidence,
        "evidence_ruleset": result.ruleset,
        "evidence": result.to_dict(),
        "evidence_rated_at": when,
        "evidence_digest": digest_of(record.get("evaluations", [])),
        "evidence_provisional": is_provisional(result.level, verified=False),
    }
    terms = [
        {"key": key, "value": value, "position": i}
        for key in LIST_KEYS
        for i, value in enumerate(record.get(key, []))
    ]
    evaluations = [
        {
            "position": i,
            **{k: e.get(k) for k in _EVALUATION_COLUMNS},
            "outcomes": e.get("outcomes", []),
        }
        for i, e in enumerate(record.get("evaluations", []))
    ]
    results = [
        (i, [{"position": j, **r} for j, r in enumerate(e.get("results", []))])
        for i, e in enumerate(record.get("evaluations", []))
    ]
    return {
        "measure": measure,
        "revision": revision,
        "terms": terms,
        "evaluations": evaluations,
        "results": [(i, rows) for i, rows in results if rows],
    }


def _insert_batch(batch: list[dict[str, Any]], publish: bool) -> None:
    """Insert a batch with one multi-row statement per table (no ORM unit of work)."""
    db.session.execute(insert(Measure), [rows["measure"] for rows in batch])
    external_ids = [rows["measure"]["external_id"] for rows in batch]
    measure_ids = dict(
        db.session.execute(
            select(Measure.external_id, Measure.id).where(
                Measure.external_id.in_(external_ids), Measure.owner_id.is_(None)
            )
        ).all()
    )
    for rows in batch:
        rows["revision"]["measure_id"] = measure_ids[rows["measure"]["external_id"]]
    db.session.execute(insert(MeasureRevision), [rows["revision"] for rows in batch])
    revision_ids = dict(
        db.session.execute(
            select(MeasureRevision.measure_id, MeasureRevision.id).where(
                MeasureRevision.measure_id.in_(measure_ids.values())
            )
        ).all()
    )
    terms, evaluations, links = [], [], []
    for rows in batch:
        measure_id = rows["revision"]["measure_id"]
        revision_id = revision_ids[measure_id]
        terms += [{**t, "revision_id": revision_id} for t in rows["terms"]]
        evaluations += [{**e, "revision_id": revision_id} for e in rows["evaluations"]]
        column = "published_revision_id" if publish else "working_revision_id"
        links.append({"id": measure_id, column: revision_id})
    if terms:
        db.session.execute(insert(RevisionTerm), terms)
    if evaluations:
        db.session.execute(insert(Evaluation), evaluations)
    _insert_results(batch, revision_ids)
    db.session.execute(update(Measure), links)
    if publish:
        # Queued, not indexed batch by batch: `flask search sync` (or a rebuild) indexes them
        # in bulk, which is many times faster.
        enqueue_index_changes(measure_ids.values(), apply_after_commit=False)


def _insert_results(batch: list[dict[str, Any]], revision_ids: dict[int, int]) -> None:
    """Results need their evaluation's id: read back by (revision, position)."""
    wanted = [rows for rows in batch if rows["results"]]
    if not wanted:
        return
    revisions = [revision_ids[rows["revision"]["measure_id"]] for rows in wanted]
    ids = {
        (revision_id, position): evaluation_id
        for evaluation_id, revision_id, position in db.session.execute(
            select(Evaluation.id, Evaluation.revision_id, Evaluation.position).where(
                Evaluation.revision_id.in_(revisions)
            )
        )
    }
    results = [
        {**result, "evaluation_id": ids[(revision_id, position)]}
        for rows, revision_id in zip(wanted, revisions, strict=True)
        for position, found in rows["results"]
        for result in found
    ]
    db.session.execute(insert(EvaluationResult), results)


def generate_measures(
    count: int,
    *,
    seed: int = 0,
    publish: bool = False,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Write `count` synthetic measures, submitted for moderation or (publish) published.

    Commits once per batch (a batch job, like import). Published ones get search-outbox rows
    in the same transaction. Publication dates spread over the past five years, newest last.
    """
    first = _next_number(seed)
    now = utcnow()
    for start in range(first, first + count, batch_size):
        numbers = range(start, min(start + batch_size, first + count))
        batch = []
        for n in numbers:
            when = now - timedelta(minutes=(first + count - n) * 7 % (5 * 365 * 24 * 60))
            batch.append(_rows(build_record(seed, n), publish, when))
        _insert_batch(batch, publish)
        db.session.commit()
        if progress is not None:
            progress(len(numbers))
    record_event(None, "measures.generated", "measure", None, seed=seed, first=first, count=count)
    db.session.commit()
    return GenerateReport(first=first, last=first + count - 1, created=count)
