"""Where EVIDENCE-2027 leaves room, what ruleset 2027.1 does and why, for the methodology page.

Each entry is (key, sentence), written for the page's readers (the spec's section is in a
comment); the code carries a short comment at each spot. Where the spec is merely terse, the
entry says how it is read, so readers and a second implementation agree.
"""

from __future__ import annotations

from app.core.i18n import N_

DECISIONS: tuple[tuple[str, str], ...] = (
    (
        "unknown_figures",
        N_(
            "A figure counts as known only when it is a number. A missing or unreadable attrition,"
            " differential attrition, sample size, cluster count or number of measurements is"
            " unknown, and a rating that needs it is not given: the WWC and Title IV-E ask authors"
            " for missing figures and rate the study down when they cannot get them.",
        ),
    ),
    (
        "exact_thresholds",
        N_(
            "Thresholds are applied as written and never rounded: 20 % attrition passes and 20.1 %"
            " does not; 5 points of differential attrition pass and 5.1 do not; 40 analysed, 10"
            " clusters, 3 measurements before and after, 6 and 12 months pass, and one less does"
            " not.",
        ),
    ),
    (
        "unknown_design",
        N_(
            "An evaluation with a missing or unknown design is treated as descriptive: it counts"
            " towards no level above 1 and never raises the harm flag, as in ruleset 2026.1 (the"
            " WWC rates a study whose design it cannot identify as not meeting its standards).",
        ),
    ),
    (
        "unknown_is_no",
        N_(
            "Independent, peer-reviewed and routine practice count only when the record says yes;"
            " unknown counts as no, because CEBC and Blueprints credit independence and peer"
            " review only when they are shown.",
        ),
    ),
    (
        "missing_time_point",
        N_(
            "A result without a usable time point counts as measured at the end of the programme"
            " (0 months), the weakest claim. Validation refuses such results anyway.",
        ),
    ),
    (
        "unreadable_results",
        N_(
            "A result whose direction is not favourable, no effect or unfavourable is skipped. An"
            " evaluation with any results gives no derived contrasts: with results, its overall"
            " effect is ignored.",  # §1
        ),
    ),
    (
        "repeated_outcomes",
        N_(
            "An outcome listed twice in an evaluation without results gives one derived contrast.",
        ),
    ),
    (
        "samples_by_id_only",
        N_(
            "Samples are formed only by sample_id, compared exactly after trimming spaces."
            " Evaluations are never merged by guessing (the same DOI, the same figures): one paper"
            " can report several trials, and Title IV-E and CEBC reviewers decide overlap by"
            " reading the reports. Evaluations that share a DOI, a link or a citation without"
            " sharing a sample are listed for the moderator who verifies the figures.",
        ),
    ),
    (
        "review_of_current_flag",
        N_(
            "The experts' review of harm applies only while the rules raise the harm flag; once"
            " the evaluations change, a new review is needed.",  # §7
        ),
    ),
    (
        "harm_not_confirmed",
        N_(
            "Harm not confirmed by experts clears the flag and lifts the Negative effects rule;"
            " the unfavourable finding then weighs as a finding without a favourable effect in the"
            " mixed-evidence rule. Blueprints and CEBC likewise leave the judgement of harm to"
            " expert review.",
        ),
    ),
    (
        "no_praise_beside_harm",
        N_(
            "Beside the label Negative effects found, the badges Independent replication and"
            " Long-term, which praise favourable findings, are not shown; the badges that describe"
            " the studies stay. Blueprints and CrimeSolutions show nothing favourable beside"
            " evidence of harm.",
        ),
    ),
    (
        "verdicts_before_verifiability",
        N_(
            "Negative effects found and No effect found end the rules before the unverifiable"
            " rule, as the rules order them, so they stand even when no evaluation can be checked:"
            " harm is never hidden for want of a citation. (Ruleset 2026.1 withheld an"
            " unverifiable no-effect verdict.)",
        ),
    ),
    (
        "mixed_evidence_named_when_it_lowers",
        N_(
            "The mixed-evidence rule is named in the explanation only when it lowers the level; at"
            " level 2 or below it changes nothing.",
        ),
    ),
    (
        "level_5_single_finding",
        N_(
            "For level 5 the 12-month follow-up and the independent evaluation must belong to one"
            " and the same finding; the high-rated trial, peer review and routine practice may"
            " each come from any evaluation behind the favourable T1/T2 findings, as the rules"
            " write it.",
        ),
    ),
    (
        "level_4_any_finding_at_6_months",
        N_(
            "For level 4 the finding at 6 months or more may be any favourable T1/T2 finding from"
            " a high- or moderate-rated study with results, not necessarily the high-rated one, as"
            " the rules write it.",  # §4
        ),
    ),
    (
        "any_outcome_for_level_3",
        N_(
            "Level 3 and the no-effect rule count a favourable finding on any outcome, reach and"
            " fidelity included, as the rules write it; only levels 4 and 5 ask for T1/T2"
            " outcomes.",
        ),
    ),
    (
        "greece",
        N_(
            "The country code EL (used by the EU for Greece) is read as GR for the EU-tested"
            " badge.",
        ),
    ),
)
