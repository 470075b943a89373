"""The EU AI Act classification questionnaire, as rules on plain values: which answers there
are, which combinations contradict each other, and the tier, obligations and reasons that
follow. No database: services, pages, the API and the tests share it.

Articles: prohibited practices Art. 5(1); high risk Art. 6(1) (Annex I products) and 6(2)
(Annex III areas) with the Art. 6(3) exceptions, which never apply to profiling of natural
persons; transparency Art. 50(1)–(4); general-purpose AI models Art. 51–55.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROHIBITED_PRACTICES = {
    "none": "None of these",
    "manipulation": (
        "Subliminal, manipulative or deceptive techniques that distort behaviour (Art. 5(1)(a))"
    ),
    "exploiting_vulnerabilities": (
        "Exploiting vulnerabilities of age, disability or social or economic situation "
        "(Art. 5(1)(b))"
    ),
    "social_scoring": (
        "Social scoring leading to detrimental or unfavourable treatment (Art. 5(1)(c))"
    ),
    "predictive_policing": (
        "Predicting criminal offences from profiling or personality traits alone (Art. 5(1)(d))"
    ),
    "face_scraping": (
        "Untargeted scraping of facial images to build recognition databases (Art. 5(1)(e))"
    ),
    "emotion_at_work_or_school": (
        "Inferring emotions at the workplace or in education (Art. 5(1)(f))"
    ),
    "sensitive_biometric_categorisation": (
        "Biometric categorisation inferring sensitive characteristics (Art. 5(1)(g))"
    ),
    "realtime_remote_biometric_id": (
        "Real-time remote biometric identification in public spaces for law enforcement "
        "(Art. 5(1)(h))"
    ),
}
ANNEX_III_AREAS = {
    "": "None",
    "1": "Biometrics",
    "2": "Critical infrastructure",
    "3": "Education and vocational training",
    "4": "Employment, workers’ management and access to self-employment",
    "5": "Access to essential private and public services and benefits",
    "6": "Law enforcement",
    "7": "Migration, asylum and border control management",
    "8": "Administration of justice and democratic processes",
}
ART_6_3_EXCEPTIONS = {
    "none": "None applies",
    "narrow_procedural_task": "It performs a narrow procedural task (Art. 6(3)(a))",
    "improves_human_activity": (
        "It improves the result of a completed human activity (Art. 6(3)(b))"
    ),
    "detects_patterns": (
        "It detects decision patterns without replacing or influencing the human "
        "assessment (Art. 6(3)(c))"
    ),
    "preparatory_task": "It performs a preparatory task to an assessment (Art. 6(3)(d))",
}
ROLES = {"provider": "Provider", "deployer": "Deployer", "both": "Provider and deployer"}
TRANSPARENCY_QUESTIONS = {
    "interacts_with_people": "It interacts directly with people, such as a chatbot (Art. 50(1))",
    "generates_synthetic_content": (
        "It generates synthetic audio, image, video or text (Art. 50(2))"
    ),
    "emotion_or_biometric_categorisation": (
        "It recognises emotions or categorises people biometrically (Art. 50(3))"
    ),
    "deep_fake": (
        "It generates or manipulates deep fakes, or text published to inform the public "
        "(Art. 50(4))"
    ),
}
TIERS = ("minimal", "limited", "high", "prohibited")
TIER_LABELS = {
    "minimal": "Minimal risk",
    "limited": "Limited risk (transparency)",
    "high": "High risk",
    "prohibited": "Prohibited practice",
}
BOOLEANS = ("annex_i_product", "profiling", "gpai_model", *TRANSPARENCY_QUESTIONS)
CHOICES: dict[str, dict[str, str]] = {
    "prohibited_practice": PROHIBITED_PRACTICES,
    "annex_iii_area": ANNEX_III_AREAS,
    "art_6_3_exception": ART_6_3_EXCEPTIONS,
    "role": ROLES,
}
# Optional: the tier the classifier expects. Answers that give another are a contradiction
# to resolve, not a silent override.
EXPECTED = "expected_tier"
QUESTIONS = (*CHOICES, *BOOLEANS, EXPECTED)


class ContradictoryAnswersError(ValueError):
    """The answers cannot all be true; `errors` maps each question to what is wrong."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Outcome:
    tier: str
    role: str
    obligations: list[str] = field(default_factory=list)  # "transparency", "gpai"
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "role": self.role,
            "obligations": self.obligations,
            "reasons": self.reasons,
        }


def clean_answers(raw: dict[str, Any]) -> dict[str, Any]:
    """The answers with their defaults, or ContradictoryAnswersError naming every bad one."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(QUESTIONS))
    for name in unknown:
        errors[name] = ["Not a question of the classification."]
    answers: dict[str, Any] = {
        "prohibited_practice": "none",
        "annex_iii_area": "",
        "art_6_3_exception": "none",
    } | dict.fromkeys(BOOLEANS, False)
    for name, options in CHOICES.items():
        if name in raw:
            value = "" if raw[name] is None else str(raw[name])
            if value not in options:
                errors[name] = [f"Choose one of: {', '.join(o or '(none)' for o in options)}."]
            answers[name] = value
    if "role" not in raw:
        errors["role"] = ["Say whether the organisation is the system's provider or deployer."]
    for name in BOOLEANS:
        if name in raw:
            if not isinstance(raw[name], bool):
                errors[name] = ["Answer true or false."]
            answers[name] = raw[name]
    if raw.get(EXPECTED) not in (None, "", *TIERS):
        errors[EXPECTED] = [f"Choose one of: {', '.join(TIERS)}."]
    answers[EXPECTED] = raw.get(EXPECTED) or ""
    if errors:
        raise ContradictoryAnswersError(errors)
    if answers["art_6_3_exception"] != "none" and not answers["annex_iii_area"]:
        errors["art_6_3_exception"] = [
            "An Art. 6(3) exception only applies to a system in an Annex III area."
        ]
    if answers["prohibited_practice"] != "none" and answers["art_6_3_exception"] != "none":
        errors["art_6_3_exception"] = ["No exception lifts a prohibited practice."]
    if errors:
        raise ContradictoryAnswersError(errors)
    return answers


def classify(raw: dict[str, Any]) -> Outcome:
    """The tier, role, obligations and reasons the answers give; ContradictoryAnswersError if they
    contradict themselves (or the tier the classifier expected)."""
    a = clean_answers(raw)
    reasons: list[str] = []
    obligations: list[str] = []
    transparency = [q for q in TRANSPARENCY_QUESTIONS if a[q]]
    if transparency:
        obligations.append("transparency")
        reasons += [f"Transparency: {TRANSPARENCY_QUESTIONS[q]}." for q in transparency]
    if a["gpai_model"]:
        obligations.append("gpai")
        reasons.append("A general-purpose AI model: Art. 53 (and Art. 55 if it has systemic risk).")
    if a["prohibited_practice"] != "none":
        tier = "prohibited"
        reasons.insert(0, f"Prohibited: {PROHIBITED_PRACTICES[a['prohibited_practice']]}.")
    elif a["annex_i_product"]:
        tier = "high"
        reasons.insert(0, "High risk: a safety component of an Annex I product (Art. 6(1)).")
    elif a["annex_iii_area"]:
        area = ANNEX_III_AREAS[a["annex_iii_area"]]
        exception = a["art_6_3_exception"]
        if exception != "none" and a["profiling"]:
            tier = "high"
            reasons.insert(
                0,
                f"High risk: Annex III point {a['annex_iii_area']} ({area}); the Art. 6(3) "
                "exception does not apply because the system profiles natural persons.",
            )
        elif exception != "none":
            tier = "limited" if transparency else "minimal"
            reasons.insert(
                0,
                f"Not high risk: Annex III point {a['annex_iii_area']} ({area}), but "
                f"{ART_6_3_EXCEPTIONS[exception].lower()}; document this assessment before "
                "placing it on the market and register it (Art. 6(4), Art. 49(2)).",
            )
        else:
            tier = "high"
            reasons.insert(0, f"High risk: Annex III point {a['annex_iii_area']} ({area}).")
    elif transparency:
        tier = "limited"
    else:
        tier = "minimal"
        reasons.insert(
            0, "Minimal risk: no prohibited practice, high-risk use or transparency duty."
        )
    expected = a[EXPECTED]
    if expected and expected != tier:
        raise ContradictoryAnswersError(
            {
                EXPECTED: [
                    f"The answers make it {TIER_LABELS[tier].lower()}, not "
                    f"{TIER_LABELS[expected].lower()}: change an answer or the expected tier."
                ]
            }
        )
    return Outcome(tier, a["role"], obligations, reasons)
