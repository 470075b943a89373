"""The GDPR vocabulary of a dataset's inventory record: categories of personal data and of
data subjects (Art. 30(1)(c)), the special categories of Art. 9(1) and the conditions of
Art. 9(2), and the safeguards of a transfer outside the EEA (Art. 45–49).

Lists of codes are kept in JSON columns (portable across SQLite and PostgreSQL); the
validator below holds each list to its choices, so `full_clean` refuses an unknown code
whether it came from a page, the API or a command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

NOT_A_LIST = "Give a list of codes."
UNKNOWN_CODES = "Unknown value(s): {codes}. Choose from: {choices}."
REPEATED_CODES = "Each value once: {codes} repeated."


class PersonalDataCategory(models.TextChoices):
    """The usual categories of a record of processing (the GDPR names none: Art. 30 asks
    for them, the supervisory authorities' templates list these)."""

    IDENTIFICATION = "identification", "Identification (name, ID numbers)"
    CONTACT = "contact", "Contact details"
    ONLINE_IDENTIFIERS = "online_identifiers", "Online identifiers (IP, cookies, device)"
    LOCATION = "location", "Location"
    FINANCIAL = "financial", "Financial and payment"
    EMPLOYMENT = "employment", "Employment and education"
    BEHAVIOURAL = "behavioural", "Behaviour, usage and preferences"
    COMMUNICATIONS = "communications", "Content of communications"
    IMAGES_AUDIO = "images_audio", "Images, video or voice"
    CONTRACTUAL = "contractual", "Contracts, claims and transactions"
    CRIMINAL = "criminal", "Criminal convictions and offences (Art. 10)"
    OTHER = "other", "Other (described in the purpose)"


class DataSubjectCategory(models.TextChoices):
    CUSTOMERS = "customers", "Customers and policyholders"
    PROSPECTS = "prospects", "Prospects"
    EMPLOYEES = "employees", "Employees and contractors"
    APPLICANTS = "applicants", "Job applicants"
    USERS = "users", "Users of a service"
    PATIENTS = "patients", "Patients"
    CHILDREN = "children", "Children"
    PUBLIC = "public", "Members of the public"
    SUPPLIERS = "suppliers", "Suppliers' and partners' staff"
    OTHER = "other", "Other"


class SpecialCategory(models.TextChoices):
    """GDPR Art. 9(1), a closed list."""

    RACIAL_ETHNIC_ORIGIN = "racial_ethnic_origin", "Racial or ethnic origin"
    POLITICAL_OPINIONS = "political_opinions", "Political opinions"
    RELIGIOUS_BELIEFS = "religious_beliefs", "Religious or philosophical beliefs"
    TRADE_UNION = "trade_union", "Trade union membership"
    GENETIC = "genetic", "Genetic data"
    BIOMETRIC = "biometric", "Biometric data for identification"
    HEALTH = "health", "Data concerning health"
    SEX_LIFE_ORIENTATION = "sex_life_orientation", "Sex life or sexual orientation"


class SpecialCategoryCondition(models.TextChoices):
    """GDPR Art. 9(2)(a)–(j): what lifts the prohibition of Art. 9(1)."""

    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (Art. 9(2)(a))"
    EMPLOYMENT_LAW = "employment_law", "Employment and social security law (Art. 9(2)(b))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Art. 9(2)(c))"
    NOT_FOR_PROFIT = "not_for_profit", "Not-for-profit body's members (Art. 9(2)(d))"
    MADE_PUBLIC = "made_public", "Made manifestly public (Art. 9(2)(e))"
    LEGAL_CLAIMS = "legal_claims", "Legal claims or courts (Art. 9(2)(f))"
    PUBLIC_INTEREST = "public_interest", "Substantial public interest (Art. 9(2)(g))"
    HEALTH_CARE = "health_care", "Health or social care (Art. 9(2)(h))"
    PUBLIC_HEALTH = "public_health", "Public health (Art. 9(2)(i))"
    RESEARCH = "research", "Archiving, research or statistics (Art. 9(2)(j))"


class TransferSafeguard(models.TextChoices):
    """What makes a transfer outside the EEA lawful (GDPR Chapter V)."""

    ADEQUACY = "adequacy", "Adequacy decision (Art. 45)"
    SCCS = "sccs", "Standard contractual clauses (Art. 46(2)(c))"
    BCRS = "bcrs", "Binding corporate rules (Art. 47)"
    CODE_OF_CONDUCT = "code_of_conduct", "Approved code of conduct (Art. 46(2)(e))"
    CERTIFICATION = "certification", "Approved certification (Art. 46(2)(f))"
    AD_HOC_CLAUSES = "ad_hoc_clauses", "Authorised contractual clauses (Art. 46(3)(a))"
    DEROGATION = "derogation", "Derogation for a specific situation (Art. 49)"


@deconstructible
class ChoiceListValidator:
    """A list of distinct codes, each one of `choices`."""

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = tuple(choices)

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise ValidationError(NOT_A_LIST, code="not_a_list")
        unknown = [code for code in value if code not in self.choices]
        if unknown:
            raise ValidationError(
                UNKNOWN_CODES.format(codes=", ".join(unknown), choices=", ".join(self.choices)),
                code="unknown_choice",
            )
        repeated = sorted({code for code in value if value.count(code) > 1})
        if repeated:
            raise ValidationError(
                REPEATED_CODES.format(codes=", ".join(repeated)), code="repeated_choice"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceListValidator) and self.choices == other.choices

    def __hash__(self) -> int:
        return hash(self.choices)


def labels(choices: type[models.TextChoices], codes: Iterable[str]) -> list[str]:
    """The display labels of `codes` (an unknown code shown as itself)."""
    names = dict(choices.choices)
    return [str(names.get(code, code)) for code in codes]
