"""Off-topic probe: queries about topics the repository does not cover, beyond the judged set.

The judged set holds 15 queries that should find nothing (7 in the tuning half), too few to
tell a rule that generalises from one fitted to them. These probes were written afterwards,
without looking at the test half: topics next to the field (children, schools, prevention,
online) that no measure is about, in several languages, and questions of the field in everyday
words, which must not be taken for off topic. Each runs as /search runs it, over the same
corpus as bench/search_quality.py (the demo data and 2,000 distractors).

Prints, per probe, whether the search called it off topic and whether a real (not generated)
measure is in its top 3; then the counts. For an off-topic probe, either is a failure only when
a real measure shows; for an on-topic probe, being called off topic is the failure.

    .venv/bin/python bench/off_topic_probe.py [--backend whoosh|postgres] [--distractors 2000]
"""

from __future__ import annotations

import argparse

from search_quality import K, is_distractor, loaded_app

# Topics no measure covers, each with words the field's measures do use.
OFF_TOPIC = (
    ("en", "road safety education for children"),
    ("en", "childhood obesity prevention in schools"),
    ("en", "dental hygiene programme for pupils"),
    ("en", "smoking cessation for teenagers"),
    ("en", "flu vaccination campaign for parents"),
    ("en", "cybersecurity training for bank employees"),
    ("en", "flood risk management for municipalities"),
    ("en", "preventing falls in elderly people"),
    ("en", "dog bite prevention for children"),
    ("en", "sun protection for kids at the beach"),
    ("en", "handwashing campaign in primary schools"),
    ("en", "youth unemployment programme"),
    ("en", "earthquake preparedness drills in schools"),
    ("en", "nutrition education for parents of toddlers"),
    ("de", "Verkehrserziehung in der Grundschule"),
    ("de", "Hitzeschutz für Kinder in Kitas"),
    ("de", "Raucherentwöhnung für Jugendliche"),
    ("fr", "éducation routière pour les enfants"),
    ("fr", "prévention de l'obésité infantile à l'école"),
    ("it", "prevenzione degli incidenti domestici nei bambini"),
    ("it", "programma contro il fumo tra gli adolescenti"),
    ("es", "prevención de caídas en personas mayores"),
    ("es", "educación vial en la escuela primaria"),
    ("pl", "zapobieganie otyłości u dzieci"),
    ("pl", "ochrona przed powodzią w gminach"),
    ("nl", "verkeersveiligheid voor kinderen"),
    ("sv", "trafiksäkerhet för barn i skolan"),
    ("sv", "rökavvänjning för ungdomar"),
    ("fi", "lasten liikenneturvallisuus koulussa"),
    ("pt", "prevenção de afogamentos em crianças"),
    # Abuse of something else (written with off_topic.BARE_ABUSE's rule, 2026-12-05).
    ("en", "elder abuse prevention"),
    ("en", "alcohol abuse among students"),
    ("en", "drug abuse prevention for teenagers"),
    ("en", "substance abuse treatment for young people"),
    ("de", "Drogenmissbrauch bei Jugendlichen"),
    ("fr", "abus d'alcool chez les jeunes"),
    ("it", "abuso di sostanze negli adolescenti"),
    ("es", "abuso de alcohol en adolescentes"),
    ("pt", "abuso de álcool na adolescência"),
    # Written with the rules for a word before abuse that a measure names in passing, and
    # forms the index would find (2026-12-06).
    ("en", "steroid abuse among athletes"),
    ("en", "prescription drug abuse in older adults"),
    ("it", "abuso di alcol tra i giovani"),
    ("it", "incidenti stradali e bambini"),
    # A term of the field no measure is about (2026-12-06).
    ("en", "school dropout prevention"),
    # Written afterwards, before the rule for phrasings of weak words
    # (2026-12-06, a second time): more topics next to the field, more languages.
    ("en", "lead poisoning in children"),
    ("en", "GDPR training for school staff"),
    ("en", "eating disorders among teenage girls"),
    ("en", "radicalisation prevention for young people"),
    ("en", "gambling addiction among students"),
    ("en", "teenage pregnancy prevention"),
    ("fr", "lutte contre le décrochage scolaire"),
    ("ro", "prevenirea abandonului școlar"),
    ("el", "πρόληψη της παχυσαρκίας στα παιδιά"),
    ("sk", "prevencia fajčenia u mladistvých"),
    ("sl", "preprečevanje debelosti pri otrocih"),
    ("lv", "smēķēšanas profilakse jauniešiem"),
    ("bg", "превенция на тютюнопушенето при младежи"),
    # Found as a user would on the demo data (2026-12-07): the way to school reads like a
    # phrasing of exhibitionism.
    ("de", "Verkehrserziehung Schulweg für Kinder"),
    # Written afterwards (2026-12-07, a second time): children's health and safety at school
    # in more languages. Bullying and mental health were left out: measures of the field
    # name them (cyberbullying is one of its forms; helplines hear of both).
    ("en", "prevention of head lice in nurseries"),
    ("en", "vision screening for preschool children"),
    ("en", "asthma management in schools"),
    ("en", "peanut allergy policy for kindergartens"),
    ("en", "measles vaccination uptake among roma children"),
    ("en", "screen time limits for toddlers"),
    ("en", "online gaming addiction in adolescents"),
    ("de", "Kariesprophylaxe im Kindergarten"),
    ("de", "Sprachförderung für Kinder mit Migrationshintergrund"),
    ("de", "Suchtprävention für Jugendliche"),
    ("nl", "voorkomen van overgewicht bij kleuters"),
    ("da", "rygning blandt unge forebyggelse"),
    ("et", "laste ülekaalulisuse ennetamine"),
    ("lt", "vaikų nutukimo prevencija mokyklose"),
    ("hu", "dohányzás megelőzése a fiatalok körében"),
    ("sk", "prevencia obezity detí v škôlkach"),
    ("hr", "prevencija pretilosti kod djece"),
    ("ro", "vaccinarea copiilor împotriva rujeolei"),
    ("pt", "prevenção do consumo de álcool nas escolas"),
    ("it", "educazione alimentare nelle scuole primarie"),
    ("fr", "prévention des accidents domestiques chez les tout-petits"),
    ("pl", "profilaktyka próchnicy u dzieci w przedszkolu"),
    ("bg", "превенция на затлъстяването при децата"),
    ("mt", "prevenzjoni tal-obeżità fit-tfal"),
    ("lv", "bērnu aptaukošanās profilakse skolās"),
    # Written for the rules for a word before the one it modifies and for children's safety
    # in the field's words beside another topic (2026-12-07, a fourth session); the six
    # English ones after the first rule was written, not used to shape it.
    ("en", "allergy awareness campaign for schools"),
    ("en", "hearing screening for newborns"),
    ("en", "fire safety training for teachers"),
    ("en", "cycling helmet campaign for children"),
    ("en", "water safety lessons for pupils"),
    ("en", "anti-littering campaign in schools"),
    ("nl", "veiligheid van kinderen in het verkeer"),
    ("pl", "bezpieczeństwo dzieci na drodze"),
    ("de", "Schutz von Kindern im Straßenverkehr"),
    ("fr", "sécurité des enfants sur la route"),
    ("es", "seguridad de los niños en la carretera"),
    ("it", "sicurezza dei bambini in auto"),
    ("sv", "barns säkerhet i trafiken"),
    ("en", "children's safety in traffic"),
    ("de", "Schutz von Kindern vor Hitze"),
    ("pl", "ochrona dzieci przed upałem"),
    ("en", "protecting children from the sun"),
    ("de", "Kinder vor Sonnenbrand schützen"),
)

# Questions of the field in everyday words: each must find its measures.
ON_TOPIC = (
    ("en", "help for someone worried about their own urges towards children"),
    ("en", "what to do when a child tells you they were abused"),
    ("en", "teaching young children that their body belongs to them"),
    ("en", "protecting kids from strangers in online games"),
    ("en", "training for football coaches on safeguarding"),
    ("en", "support for adults who were abused as children"),
    ("de", "Hilfe für Menschen mit pädophilen Neigungen"),
    ("de", "Schutzkonzept für Sportvereine"),
    ("fr", "que faire si un enfant révèle des violences sexuelles"),
    ("it", "bambini vittime di abusi in famiglia"),
    ("es", "prevención del abuso sexual infantil en la escuela"),
    ("pl", "pomoc dla dzieci wykorzystywanych seksualnie"),
    ("nl", "hulp bij seksueel misbruik van kinderen"),
    ("sv", "stöd till barn som utsatts för sexuella övergrepp"),
    ("fi", "lasten seksuaalisen hyväksikäytön ehkäisy"),
    ("en", "my daughter got messages from an older man on instagram"),
    ("en", "a stranger asked my son for pictures in a game chat"),
    ("en", "how do teachers notice that a pupil is being hurt at home"),
    ("en", "what can a coach do if he suspects another coach"),
    ("en", "an app that blocks nude photos on a teenager's phone"),
    ("en", "group therapy for men convicted of downloading images of kids"),
    ("en", "lessons for toddlers about private parts"),
    ("en", "who do I call if I think my neighbour hurts his children"),
    ("en", "a priest abused children in our parish, where do victims get support"),
    ("en", "my teenage son touched his little sister"),
    ("de", "Was tun, wenn mein Kind im Internet erpresst wird?"),
    ("de", "Fortbildung für Erzieherinnen zum Schutz vor Übergriffen"),
    ("de", "Beratung für Jugendliche, die übergriffig geworden sind"),
    ("fr", "mon fils reçoit des messages d'un adulte sur un jeu vidéo"),
    ("fr", "mon fils reçoit des messages d'un inconnu"),
    ("fr", "formation des enseignants pour repérer les violences"),
    ("it", "cosa fare se un allenatore molesta i ragazzi"),
    ("es", "mi hija recibe fotos de un desconocido en el móvil"),
    ("pl", "co zrobić, gdy nauczyciel krzywdzi ucznia"),
    ("nl", "mijn kind wordt gechanteerd met naaktfoto's"),
    ("sv", "vart vänder jag mig om jag har sexuella tankar om barn"),
    # Abuse beside a place or a word of the field (2026-12-05, as above).
    ("en", "clergy abuse"),
    ("en", "abuse in sports clubs"),
    ("en", "online abuse of teenagers"),
    ("de", "Missbrauch in der Kirche"),
    ("es", "abuso en el deporte"),
    ("it", "abuso sui minori nello sport"),
    # Drugs, dating and sex beside abuse in the field's own sense (2026-12-06, as above).
    ("en", "teenagers given drugs and then abused"),
    ("en", "dating abuse among teens"),
    ("en", "sex abuse in sports"),
    ("en", "substance use and sexual exploitation of girls"),
    # Everyday words no measure holds beside words of a phrasing (2026-12-06, as above).
    ("en", "men who fancy young girls online"),
    ("en", "my ex keeps threatening to post our intimate pictures"),
    ("en", "grown-up chatting with my 12 year old on snapchat"),
    ("en", "older boy pressuring my daughter for nudes"),
    ("en", "someone at the swimming club sends my son gifts and secret messages"),
    # Who abused whom, in a verb's form, beside words no measure holds (2026-12-06, as above).
    ("en", "a coach abused my daughter"),
    ("en", "stepfather abused my daughter"),
    ("en", "neighbour abused my son"),
    ("es", "mi padrastro abusó de mi hermana"),
    ("nl", "mijn oom heeft mijn dochter misbruikt"),
    # Who abuses, or where, before abuse itself (2026-12-06, as above).
    ("en", "babysitter abuse"),
    ("en", "daycare abuse prevention"),
    ("en", "orphanage abuse"),
    ("en", "sibling abuse"),
    ("en", "abuse in scout groups"),
    # Found afterwards as a user would: called off topic by the first form of the rule for
    # phrasings of weak words (2026-12-06).
    ("fi", "lapseni on joutunut netissä häirinnän kohteeksi"),
    # "My child is harassed online" as a user would type it, in the languages whose words for
    # harassment no measure held (2026-12-06, a third time): called off topic on the demo data.
    ("et", "last ahistatakse internetis"),
    ("el", "το παιδί μου παρενοχλείται στο διαδίκτυο"),
    ("bg", "детето ми е тормозено в интернет"),
    ("da", "mit barn bliver chikaneret på nettet"),
    ("hu", "gyermekemet zaklatják az interneten"),
    ("lv", "bērns ir uzmākšanās upuris internetā"),
    # Everyday questions made of the field's words (protection, safety, education) beside
    # whom, where or how, written without the test half (2026-12-07).
    ("en", "safety rules for sleepovers"),
    ("en", "online safety advice for grandparents"),
    ("en", "protection of kids at summer camps"),
    ("en", "child protection in summer camps for teenagers"),
    ("en", "body safety lessons with puppets"),
    ("en", "training for babysitters on protecting children"),
    ("en", "education about consent for teenagers"),
    ("en", "awareness campaign on grooming in WhatsApp groups"),
    ("en", "safeguarding training for church volunteers"),
    ("en", "keeping children safe during sleepovers"),
    ("en", "support for parents after disclosure"),
    ("en", "protection of children in refugee shelters"),
    ("en", "safety plan for a child who was abused"),
    ("en", "prevention education in kindergartens using songs"),
    ("en", "counselling for teenagers who sext"),
    ("en", "help for boys who were exploited online"),
    ("en", "safe adults at school"),
    ("en", "education for hotel staff about child exploitation"),
    ("en", "programme for youth workers about healthy relationships"),
    ("de", "Schutz von Kindern im Ferienlager"),
    ("de", "Sicherheit im Netz für Grundschüler"),
    ("de", "Aufklärung über sexuelle Gewalt mit Theaterstück"),
    ("fr", "protection des enfants en colonie de vacances"),
    ("fr", "sécurité en ligne pour les collégiens"),
    ("fr", "éducation à la vie affective au collège"),
    ("pl", "ochrona dzieci na koloniach"),
    ("pl", "bezpieczeństwo dzieci w internecie"),
    ("es", "protección de menores en campamentos de verano"),
    ("nl", "bescherming van kinderen op zomerkamp"),
    ("it", "sicurezza online per i ragazzi"),
    ("sv", "skydd av barn på sommarläger"),
    # The app named, as parents do (2026-12-07, with platform names as terms).
    ("es", "mi hija recibe mensajes de un adulto en WhatsApp"),
    ("en", "grooming on Roblox"),
    ("de", "Erpressung auf Snapchat"),
    ("en", "Snapchat awareness campaign"),
    # Found as a user would (2026-12-07): called off topic once "Manipulation" no longer read
    # as Latvia (an Estonian stem), as no measure says "manipulation".
    ("de", "Manipulation von Kindern im Internet"),
    # Written with the rules above (2026-12-07, a fourth session): an everyday word before
    # a word of the field, and the protection of children where no measure names the place.
    ("en", "Moodle course for teachers about safeguarding"),
    ("en", "WhatsApp campaign for parents about online safety"),
    ("en", "podcast campaign about consent for teenagers"),
    ("en", "theatre workshop for pupils about body safety"),
    ("en", "karate club safeguarding children"),
    ("en", "babysitter grooming warning signs"),
    ("en", "mosque child safeguarding policy"),
    ("en", "synagogue safeguarding training"),
    ("en", "orthodox church child protection"),
    ("de", "Kinderschutz bei den Pfadfindern"),
    ("en", "safeguarding in choirs"),
    ("nl", "veiligheid van kinderen bij de scouting"),
    ("pl", "bezpieczeństwo dzieci w harcerstwie"),
    ("en", "child protection in refugee camps"),
    ("de", "Kinderschutz in Musikschulen"),
)


def probe(app, probes) -> list[tuple[str, str, list[str], bool]]:
    """(lang, query, words called off topic, a real measure in the top 3) per probe."""
    from werkzeug.datastructures import MultiDict

    from app.search.query import parse_search_args
    from app.search.services import search_measures

    out = []
    with app.app_context():
        for lang, q in probes:
            args = MultiDict([("q", q), ("per_page", str(K))])
            results = search_measures(parse_search_args(args, strict=True))
            top = [hit.external_id or "" for hit in results.hits[:3]]
            real = any(not is_distractor(eid) for eid in top)
            out.append((lang, q, list(results.off_topic), real))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument(
        "--distractors", type=int, default=2000, help="0: the demo data alone, as deployed"
    )
    args = parser.parse_args()
    with loaded_app(args.backend, args.distractors) as (app, _first, _last):
        off, on = probe(app, OFF_TOPIC), probe(app, ON_TOPIC)
    print(
        f"Off-topic probe ({args.backend}, {args.distractors} distractors):"
        " O = called off topic, R = a real measure in top 3"
    )
    for title, rows in (("should find nothing", off), ("should find measures", on)):
        print(f"\n{title}:")
        for lang, q, words, real in rows:
            marks = ("O" if words else ".") + ("R" if real else ".")
            print(f"  {marks} [{lang}] {q}" + (f"  (missing: {', '.join(words)})" if words else ""))
    shown = sum(1 for *_, real in off if real)
    blocked = sum(1 for _, _, words, _ in on if words)
    print(f"\nshould find nothing: {shown} of {len(off)} show a real measure in their top 3")
    print(f"should find measures: {blocked} of {len(on)} called off topic")


if __name__ == "__main__":
    main()
