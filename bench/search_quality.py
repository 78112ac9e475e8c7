"""Search quality: judged queries over the demo data.

Loads app/demo/measures.jsonl and app/demo/synthetic.jsonl (the real programmes, which include
every measure of ../shared/data/sample-measures.jsonl in record format 2, and the synthetic
examples) into a throwaway database and index, runs every judged query through the same service
as /search, and prints nDCG@10 (graded gains 0/1/2) and recall@10 per query and on average.

Judgments naming a measure that is not in the files (the fictional demo measures the real
programmes replaced) are left out, and a query left with none is skipped: the script says how
many. Until the judged set is rebuilt over the real programmes, its averages are not comparable
with those in docs/performance.md.

    .venv/bin/python bench/search_quality.py [--backend whoosh|postgres] [--no-thesaurus] [-v]

With --backend postgres, DATABASE_URL must point at a PostgreSQL server; a fresh database is
created beside it and dropped afterwards. Judgments are external ids: 2 = exactly what the
query asks for, 1 = relevant. They were written by reading the records, before tuning.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FILES = (
    ROOT / "app" / "demo" / "measures.jsonl",
    ROOT / "app" / "demo" / "synthetic.jsonl",
)

# query -> {external_id: grade}
JUDGED: dict[str, dict[str, int]] = {
    # English, keywords and questions
    "helpline for people worried about their sexual thoughts": {
        "stop-it-now-uk-ie": 2,
        "demo-beratungstelefon-sexuelle-gedanken": 2,
        "stop-ffcriavs-fr": 2,
        "dunkelfeld-de": 1,
        "demo-preventieve-behandeling-pedofiele-gevoelens": 1,
    },
    "sextortion": {
        "demo-not-alone-sextortion-lessons": 2,
        "demo-healthy-relationships-online-module": 1,
        "demo-familias-ligadas-seguranca-online": 1,
        "demo-samen-online-ouderapp": 1,
        "demo-sportello-ascolto-relazioni": 1,
        "demo-online-dangers-shock-assembly": 1,
        "demo-relaciones-respetuosas-secundaria": 1,
    },
    "grooming": {
        "demo-community-champions-grooming": 2,
        "demo-prata-om-natet-grooming-kampanj": 2,
        "demo-safe-faith-communities": 1,
        "demo-familias-ligadas-seguranca-online": 1,
        "demo-online-dangers-shock-assembly": 1,
        "demo-safe-at-home-parent-course": 1,
    },
    "child sexual abuse material": {
        "demo-search-deterrence-messages": 2,
        "redirection-fi": 2,
        "demo-online-selbsthilfe-missbrauchsabbildungen": 2,
        "iwf-hotline-uk": 2,
        "report-remove-uk": 1,
        "stop-it-now-uk-ie": 1,
        "dunkelfeld-de": 1,
        "demo-beratungstelefon-sexuelle-gedanken": 1,
    },
    "CSAM self-help": {
        "redirection-fi": 2,
        "demo-online-selbsthilfe-missbrauchsabbildungen": 2,
        "stop-it-now-uk-ie": 1,
    },
    "circles of support and accountability": {
        "cosa-canada-ca": 2,
        "demo-cercles-soutien-responsabilite": 2,
    },
    "offender reintegration after prison": {
        "cosa-canada-ca": 2,
        "demo-cercles-soutien-responsabilite": 2,
        "core-sotp-uk": 1,
        "demo-szkolenia-kuratorow-sprawcy-seksualni": 1,
    },
    "bystander training for sport coaches": {
        "demo-speak-up-step-in-coaches": 2,
        "demo-bezpecny-sportovni-klub": 1,
        "demo-trygge-klubtilbud": 1,
        "demo-safer-recruitment-youth-organisations": 1,
    },
    "school programme on body safety evaluated with a trial": {
        "stay-safe-ie": 2,
        "demo-watch-out-video-lesson": 2,
        "demo-starke-grenzen-grundschule": 1,
        "demo-bezpieczny-maluch-przedszkole": 1,
        "stopp-min-kropp-se": 1,
    },
    "pedophilic disorder treatment": {
        "dunkelfeld-de": 2,
        "demo-preventieve-behandeling-pedofiele-gevoelens": 2,
        "stop-ffcriavs-fr": 1,
        "demo-beratungstelefon-sexuelle-gedanken": 1,
    },
    "safeguarding in churches and mosques": {
        "demo-safe-faith-communities": 2,
        "demo-entornos-seguros-parroquias": 1,
    },
    "residential care standards": {
        "demo-case-sigure-centre-rezidentiale": 2,
        "demo-foster-carer-safeguarding-induction": 1,
    },
    "hotline for reporting abuse images online": {
        "iwf-hotline-uk": 2,
        "report-remove-uk": 2,
        "helpwanted-nl": 1,
        "demo-search-deterrence-messages": 1,
    },
    "child trafficking hotels": {
        "demo-hospitality-staff-trafficking-livestreaming": 2,
        "ecpat-the-code": 2,
    },
    "training teachers to recognise signs of abuse": {
        "demo-formazione-docenti-segnali-abuso": 2,
        "demo-vedonoi-kepzes-felismeres": 1,
        "stewards-of-children-us": 1,
    },
    "young people with harmful sexual behaviour": {
        "mst-psb-us": 2,
        "demo-stod-unga-problematiskt-sexuellt-beteende": 2,
    },
    "child advocacy centre forensic interview": {"barnahus-model": 2},
    "online safety education": {
        "thinkuknow-uk": 2,
        "generazioni-connesse-it": 2,
        "demo-healthy-relationships-online-module": 1,
        "demo-samen-online-ouderapp": 1,
        "demo-familias-ligadas-seguranca-online": 1,
    },
    "paediatric primary care maltreatment": {"seek-us": 2, "demo-vedonoi-kepzes-felismeres": 1},
    "safer recruitment of volunteers": {
        "demo-safer-recruitment-youth-organisations": 2,
        "demo-safe-faith-communities": 1,
        "demo-bezpecny-sportovni-klub": 1,
    },
    "prison sex offender treatment programme": {
        "core-sotp-uk": 2,
        "demo-szkolenia-kuratorow-sprawcy-seksualni": 1,
        "cosa-canada-ca": 1,
    },
    "app for parents with conversation starters": {"demo-samen-online-ouderapp": 2},
    # Other languages, inflected forms
    "Missbrauchsabbildung": {
        "demo-online-selbsthilfe-missbrauchsabbildungen": 2,
        "dunkelfeld-de": 2,
        "demo-beratungstelefon-sexuelle-gedanken": 2,
        "redirection-fi": 1,
        "demo-search-deterrence-messages": 1,
        "iwf-hotline-uk": 1,
    },
    "Präventionsprogramme Grundschule": {
        "demo-starke-grenzen-grundschule": 2,
        "demo-elternbriefe-praevention": 1,
    },
    "Schutzkonzept Kindertagesstätte": {"demo-schutzkonzepte-kita-begleitung": 2},
    "violences sexuelles entre pairs": {
        "demo-respect-en-classe-college": 2,
        "demo-relaciones-respetuosas-secundaria": 1,
        "demo-animateurs-sejours-vacances": 1,
    },
    "protección infantil parroquias": {
        "demo-entornos-seguros-parroquias": 2,
        "demo-safe-faith-communities": 1,
    },
    "telefon zaufania dla dzieci": {"telefon-zaufania-116111-pl": 2},
    "granice ciała przedszkole": {"demo-bezpieczny-maluch-przedszkole": 2},
    "kehon rajat lapset": {"demo-turvataidot-varhaiskasvatus": 2},
    "stopp min kropp": {"stopp-min-kropp-se": 2},
    # Typos and synonyms
    "sextorsion lesons": {
        "demo-not-alone-sextortion-lessons": 2,
        "demo-healthy-relationships-online-module": 1,
    },
    "grooming campain for parents": {
        "demo-prata-om-natet-grooming-kampanj": 2,
        "demo-community-champions-grooming": 1,
        "demo-safe-at-home-parent-course": 1,
        "demo-samen-online-ouderapp": 1,
        "demo-familias-ligadas-seguranca-online": 1,
    },
    "paedophilia therapy": {
        "dunkelfeld-de": 2,
        "demo-preventieve-behandeling-pedofiele-gevoelens": 2,
        "stop-ffcriavs-fr": 1,
    },
}


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def evaluate(ranked: list[str], judged: dict[str, int], k: int = 10) -> tuple[float, float]:
    """(nDCG@k, recall@k) of one ranking."""
    gains = [judged.get(external_id, 0) for external_id in ranked[:k]]
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    found = sum(1 for external_id in ranked[:k] if judged.get(external_id, 0) > 0)
    relevant = sum(1 for g in judged.values() if g > 0)
    return (dcg(gains) / ideal if ideal else 0.0, found / relevant if relevant else 0.0)


def _load(app) -> set[str]:
    """Import FILES, published, and build the index; return the external ids loaded."""
    from app.core.extensions import db
    from app.measures.io import import_records
    from app.measures.models import Measure
    from app.search import indexer

    with app.app_context():
        db.create_all()
        with indexer.sync_paused():
            for path in FILES:
                with path.open("rb") as lines:
                    report = import_records(lines, publish=True, source=path.name)
                if not report.ok:
                    raise SystemExit(f"{path}: " + "; ".join(report.errors))
        indexer.rebuild()
        return set(db.session.scalars(db.select(Measure.external_id)))


def judged_over(loaded: set[str]) -> tuple[dict[str, dict[str, int]], int, list[str]]:
    """JUDGED without the judgments of measures not loaded: (judged, judgments dropped,
    queries skipped as they have no judgment left)."""
    kept: dict[str, dict[str, int]] = {}
    dropped = 0
    skipped = []
    for q, judged in JUDGED.items():
        present = {external_id: g for external_id, g in judged.items() if external_id in loaded}
        dropped += len(judged) - len(present)
        if present:
            kept[q] = present
        else:
            skipped.append(q)
    return kept, dropped, skipped


def run(backend: str, thesaurus: bool, verbose: bool) -> float:
    from app import create_app
    from app.core.extensions import db
    from app.search.backends.base import SearchQuery
    from app.search.services import search_measures

    with tempfile.TemporaryDirectory() as tmp, _database(tmp, backend) as database_url:
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": f"{tmp}/index",
            "SEARCH_BACKEND": backend,
            "UPLOAD_DIR": f"{tmp}/uploads",
            "MAIL_DIR": f"{tmp}/mail",
        }
        app = create_app("testing", settings)
        judged_set, dropped, skipped = judged_over(_load(app))
        if dropped:
            print(
                f"Left out {dropped} judgments of measures not in the demo data and skipped"
                f" {len(skipped)} queries left without any ({', '.join(skipped)}): the judged"
                " set predates the real programmes and needs rebuilding.\n"
            )
        totals = [0.0, 0.0]
        print(f"{'nDCG@10':>8} {'recall':>7}  query")
        with app.app_context():
            for q, judged in judged_set.items():
                results = search_measures(SearchQuery(q=q, per_page=10, expand=thesaurus))
                ranked = [hit.external_id or "" for hit in results.hits]
                ndcg, recall = evaluate(ranked, judged)
                totals[0] += ndcg
                totals[1] += recall
                print(f"{ndcg:8.3f} {recall:7.2f}  {q}")
                if verbose:
                    for i, external_id in enumerate(ranked, 1):
                        print(f"{'':18}{i:2}. [{judged.get(external_id, 0)}] {external_id}")
            db.session.remove()
            db.engine.dispose()
        n = len(judged_set)
        label = backend + ("" if thesaurus else ", no thesaurus")
        print(f"{totals[0] / n:8.3f} {totals[1] / n:7.2f}  mean over {n} judged queries ({label})")
        return totals[0] / n


@contextmanager
def _database(tmp: str, backend: str) -> Iterator[str]:
    """SQLite in the temporary folder, or a throwaway PostgreSQL database beside DATABASE_URL."""
    if backend != "postgres":
        yield f"sqlite:///{tmp}/quality.db"
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("--backend postgres needs DATABASE_URL=postgresql://…")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"search_quality_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--no-thesaurus", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every ranking")
    args = parser.parse_args()
    run(args.backend, not args.no_thesaurus, args.verbose)


if __name__ == "__main__":
    main()
