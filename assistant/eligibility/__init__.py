"""Profile × programme criteria → verdicts: the "我们能申报吗？" checklist (framework-free).

Programmes are data: one YAML file per programme in ``assistant/programmes``. Every criterion names
the profile field it reads, one rule from a small closed set of typed checks (never a string that
gets evaluated) and the clause that sets it. `evaluate` gives each criterion met / not met /
unknown and each programme eligible / not eligible / needs information, with reward estimates and
the route to apply. See docs/eligibility.md for the profile fields and how to add a programme.

Modules, in the order data flows through them:

- `vocabulary` — places (gazetteer), sectors, title aliases, the industry mapping
- `profile` — `Profile`, its field specs (`PROFILE_FIELDS`) and how values are parsed and read
- `model` — `Programme`, `Criterion`, `EstimateRule`, `Route`, `Note`, `Source` and the rule set
- `loader` — `load_programmes`: YAML files → validated programmes
- `results` — `CriterionResult`, `EstimateResult`, `ProgrammeVerdict`
- `engine` — `evaluate`: the rule checks, verdicts, estimates and relevance order
- `export` — `to_markdown`, `to_dict`

Around them (import them by module; this package root stays framework-free and light):

- `fields` (+ fields.yaml), `vocabulary` (+ vocabulary.yaml) — the field specs and words, as data
- `extract`, `intent`, `answer`, `free_text` — free Chinese text → profile, programmes, cited answer
- `hook` — the chat hook; `criteria_check` — every criterion's quote found in the index
- `clauses`, `subjects`, `conditions`, `rewards`, `draft` — programmes drafted from a document
"""

from assistant.eligibility.engine import evaluate
from assistant.eligibility.export import out_of_region, to_dict, to_markdown
from assistant.eligibility.loader import PROGRAMMES_DIR, load_programmes
from assistant.eligibility.model import RULES, Criterion, EstimateRule, Note, Programme, Route, Source
from assistant.eligibility.profile import PROFILE_FIELDS, FieldSpec, Profile, describe
from assistant.eligibility.results import CriterionResult, EstimateResult, ProgrammeVerdict
from assistant.eligibility.vocabulary import (
    CITY_PROVINCE,
    INDUSTRY_MAP,
    INDUSTRY_TAGS,
    PROJECT_KINDS,
    PROVINCES,
    SECTORS,
    TITLES,
    industry_tags,
    normalise_province,
)

__all__ = [
    "CITY_PROVINCE", "INDUSTRY_MAP", "INDUSTRY_TAGS", "PROFILE_FIELDS", "PROGRAMMES_DIR", "PROJECT_KINDS",
    "PROVINCES", "RULES", "SECTORS", "TITLES", "Criterion", "CriterionResult", "EstimateResult",
    "EstimateRule", "FieldSpec", "Note", "Profile", "Programme", "ProgrammeVerdict", "Route", "Source",
    "describe", "evaluate", "industry_tags", "load_programmes", "normalise_province", "out_of_region", "to_dict",
    "to_markdown",
]
