"""The CCV stappenplan (model protocol ondermijning), defined once.

Everything that follows the protocol reads this module: the gate that lets
a signal into a step, the weging that is due, who may record which weging,
what each outcome means and where it leads, the columns of the board, the
states of a casus, the statistics ("furthest step reached"), the demo data
and the data generator. The protocol's wording is quoted where the product
models it.

A step is entered when the wegingen of every earlier step are recorded with
an outcome that lets the signal go on (``proceed``), and when the step's own
requirements hold (a relevant hit, a casus, ...). A signal never moves back:
what a later step recorded stands; a new weging with another outcome ends or
routes it (``MOVING_BACK``)."""

from collections import namedtuple

MEDEWERKER = "ondermijning_signalen.group_medewerker"
TEAM = "ondermijning_signalen.group_team"
PRIVACY = "ondermijning_signalen.group_privacy"

# -- the steps of a signal (the columns of the board) -------------------------------
Step = namedtuple("Step", "code label wegingen requires date_field")

INTAKE = "stap1"
WEGING3 = "stap2"
BRONNEN = "stap3"
CASUS = "stap4"
MONITORING = "monitoring"
AFGESLOTEN = "afgesloten"

STEPS = (
    # "Stap 1 gaat over de ontvangst en de intake van een signaal."
    Step(INTAKE, "Stap 1: intake", ("w1", "w2a", "w2b"), (), None),
    # "In stap 2 beoordeel je de signalen ... Dit is de derde weging." +
    # "Beslismoment"
    Step(
        WEGING3, "Stap 2: weging 3 en beslismoment", ("w3", "beslis"), (), "date_stap2"
    ),
    # "In stap 3 bepaalt de privacyfunctionaris of en welke gemeentelijke
    # bronnen worden geraadpleegd ... hit of no hit" + weging 4
    Step(BRONNEN, "Stap 3: bronnen", ("w4",), (), "date_stap3"),
    # "In stap 4 maak je een plan van aanpak ..." (a casus)
    Step(CASUS, "Stap 4: casus", (), ("relevant_hit", "casus"), "date_stap4"),
    # "hoe lang na afsluiting van een casus monitoring volgt"
    Step(MONITORING, "Monitoring", (), ("casus_monitoring",), "date_monitoring"),
    # every end of the road
    Step(AFGESLOTEN, "Afgesloten", (), ("end_state",), None),
)
STEP_BY_CODE = {step.code: step for step in STEPS}
STEP_CODES = [(step.code, step.label) for step in STEPS]
STEP_ORDER = [step.code for step in STEPS]
FIRST_STEP = INTAKE
LAST_STEP = AFGESLOTEN
# Steps a signal can be "in" while it is handled (not the end).
OPEN_STEPS = [code for code in STEP_ORDER if code != AFGESLOTEN]
# The step-entry dates, in order: the furthest step a signal reached is the
# last of these that is set ("stap1" when none is).
STEP_DATES = [(step.code, step.date_field) for step in STEPS if step.date_field]
MOVING_BACK = "refused"

# -- the wegingen ---------------------------------------------------------------------
Weging = namedtuple("Weging", "code label step group on proceed")
WEGINGEN = (
    Weging("w1", "Weging 1: ondermijning?", INTAKE, MEDEWERKER, "signaal", None),
    Weging(
        "w2a", "Weging 2A: taak van de gemeente?", INTAKE, MEDEWERKER, "signaal", None
    ),
    Weging(
        "w2b", "Weging 2B: binnen de gemeente?", INTAKE, MEDEWERKER, "signaal", None
    ),
    Weging("w3", "Weging 3: zwaarte", WEGING3, MEDEWERKER, "signaal", None),
    Weging("beslis", "Beslismoment", WEGING3, TEAM, "signaal", ("vervolganalyse",)),
    Weging(
        "w4",
        "Weging 4: uitkomst van de hits",
        BRONNEN,
        TEAM,
        "signaal",
        ("casusoverleg",),
    ),
    Weging("w5", "Weging 5: privacy checks 2A/2B", None, PRIVACY, "casus", None),
)
WEGING_BY_CODE = {weging.code: weging for weging in WEGINGEN}
WEGING_TYPES = [(weging.code, weging.label) for weging in WEGINGEN]
SIGNAL_WEGINGEN = [weging.code for weging in WEGINGEN if weging.on == "signaal"]

# -- the outcomes of the wegingen and where they lead --------------------------------
END_STATES = [
    ("niet_in_behandeling", "Niet in behandeling"),
    ("doorverwezen", "Doorverwezen"),
    ("afdeling", "Naar afdeling"),
    ("riec", "Naar RIEC"),
    ("casus_afgesloten", "Casus afgesloten"),
]
# effect: "proceed" (the signal may go on), an end state, or "referral": not
# taken into treatment and, "zo nodig", referred (doorverwezen when the
# weging names where to, niet in behandeling otherwise).
Outcome = namedtuple("Outcome", "weging code effect needs")
REFERRAL = "referral"
PROCEED = "proceed"
OPEN_CASUS = "open_casus"
OUTCOMES = (
    Outcome("w1", "ondermijning", PROCEED, ("verankering",)),
    Outcome("w1", "geen_ondermijning", "niet_in_behandeling", ()),
    # "Het signaal is geen aanleiding voor actie door de gemeente. Het signaal
    # wordt niet in behandeling genomen en zo nodig doorverwezen"
    Outcome("w2a", "gemeentelijke_taak", PROCEED, ("taak",)),
    Outcome("w2a", "andere_instantie", REFERRAL, ()),
    # "Het signaal valt buiten het grondgebied van de gemeente ... zo nodig
    # doorverwezen naar een andere gemeente of instantie"
    Outcome("w2b", "binnen_gemeente", PROCEED, ("grondgebied",)),
    Outcome("w2b", "buiten_gemeente", REFERRAL, ("buiten_grondgebied",)),
    Outcome("w3", "voldoende_zwaar", PROCEED, ("criteria_voldaan",)),
    Outcome("w3", "onvoldoende_zwaar", PROCEED, ()),
    # Beslismoment (a)-(d)
    Outcome("beslis", "niet_in_behandeling", "niet_in_behandeling", ()),
    Outcome("beslis", "afdeling", "afdeling", ("afdeling",)),
    Outcome("beslis", "riec", "riec", ()),
    Outcome("beslis", "vervolganalyse", PROCEED, ("weging3_zwaar",)),
    # Weging 4 (1)-(3)
    Outcome("w4", "afdelingen", "afdeling", ("relevant_hit", "afdeling")),
    Outcome("w4", "casusoverleg", OPEN_CASUS, ("relevant_hit",)),
    Outcome("w4", "riec", "riec", ("relevant_hit",)),
    # Weging 5: privacy check 2A (what may be shared with whom) and, "tot
    # slot", 2B (which exchange the approach needs, and whether it is
    # permitted)
    Outcome("w5", "akkoord", PROCEED, ("privacy_check",)),
    Outcome("w5", "niet_akkoord", PROCEED, ()),
)
OUTCOME_BY_KEY = {(outcome.weging, outcome.code): outcome for outcome in OUTCOMES}
OUTCOME_CODES = sorted({outcome.code for outcome in OUTCOMES})
# Outcomes after which the signal goes on (weging 3 "onvoldoende zwaar" goes
# on to the beslismoment, which then ends it).
POSITIVE = {
    (outcome.weging, outcome.code)
    for outcome in OUTCOMES
    if outcome.effect in (PROCEED, OPEN_CASUS)
    and outcome.code not in ("onvoldoende_zwaar", "niet_akkoord")
}

# -- stap 3: what a consultation of a source found ---------------------------------
CONSULTATION_RESULTS = [
    ("approved", "Approved, not yet consulted"),
    ("hit", "Hit: relevant information"),
    ("not_relevant", "Found, but not relevant or too old"),
    ("no_hit", "No hit"),
]
# Only relevant hits count: "(te) oude informatie ... mag geen informatie meer
# worden opgevraagd".
RELEVANT_HIT = "hit"

# -- the states of a casus (stap 4) ----------------------------------------------------
CasusState = namedtuple("CasusState", "code label requires")
CASUS_STATES = (
    # "Voorafgaand aan het gemeentelijk casusoverleg ... 'Privacy check 2'"
    CasusState("privacycheck", "Privacy check 2A", ()),
    CasusState("plan", "Plan van aanpak", ("check_2a",)),
    # "controleert de privacyfunctionaris tot slot of de verzamelde gegevens
    # mogen worden gedeeld" (2B, after the approach was set)
    CasusState("uitvoering", "Uitvoering", ("plan", "interventions", "check_2b")),
    CasusState(
        "monitoring",
        "Monitoring",
        ("interventions_done", "result", "monitoring_until"),
    ),
    CasusState("afgesloten", "Afgesloten", ("monitoring_over",)),
)
CASUS_STATE_CODES = [(state.code, state.label) for state in CASUS_STATES]
CASUS_ORDER = [state.code for state in CASUS_STATES]
CASUS_STATE_BY_CODE = {state.code: state for state in CASUS_STATES}
CASUS_CLOSED = "afgesloten"
CASUS_MONITORING = "monitoring"


# -- questions the rules answer ---------------------------------------------
def step_index(code):
    return STEP_ORDER.index(code)


def next_step(code):
    """The step after ``code`` on the road (never the end: ending is done by
    an outcome)."""
    position = step_index(code) + 1
    return STEP_ORDER[position] if position < step_index(AFGESLOTEN) else None


def wegingen_before(code):
    """The wegingen that must have let a signal go on before it enters the
    step ``code``: those of every earlier step."""
    return [
        WEGING_BY_CODE[weging]
        for step in STEPS[: step_index(code)]
        for weging in step.wegingen
    ]


def requirements_up_to(code):
    """The requirements of the steps up to and including ``code``."""
    return [
        requirement
        for step in STEPS[: step_index(code) + 1]
        for requirement in step.requires
    ]


def lets_on(weging, outcome_code):
    """Whether a weging's outcome lets the signal go on to the next step."""
    definition = WEGING_BY_CODE[weging]
    if definition.proceed is not None:
        return outcome_code in definition.proceed
    return (weging, outcome_code) in POSITIVE


def outcome(weging, code):
    return OUTCOME_BY_KEY.get((weging, code))


def end_state_of(weging, code, referred=False):
    """The end state an outcome ends the signal in, or None."""
    definition = outcome(weging, code)
    if definition is None or definition.effect in (PROCEED, OPEN_CASUS):
        return None
    if definition.effect == REFERRAL:
        return "doorverwezen" if referred else "niet_in_behandeling"
    return definition.effect


def casus_requirements(state):
    """The requirements of the casus states up to and including ``state``."""
    position = CASUS_ORDER.index(state)
    return [
        requirement
        for casus_state in CASUS_STATES[: position + 1]
        for requirement in casus_state.requires
    ]


def furthest_step_expression(alias, current_stage=False):
    """SQL text for the furthest step a signal (table alias ``alias``)
    reached: the last step whose entry date is set (``current_stage``: or
    that it is in now)."""
    whens = " ".join(
        f"WHEN {alias}.{field} IS NOT NULL"
        + (f" OR {alias}.stage_code = '{code}'" if current_stage else "")
        + f" THEN '{code}'"
        for code, field in reversed(STEP_DATES)
    )
    return f"CASE {whens} ELSE '{FIRST_STEP}' END"
