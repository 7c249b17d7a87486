"""The case workflow as one table: every transition, who may take it, from which states to
which, the form it reads, what the user is told and who is handed the work next.

The services (workflow/cases.py) take their roles and states from here through the shared
preamble (workflow/rules.py); the case page draws its buttons and the API its actions from
here; workflow/dispatch.py runs a transition for both. A new transition is a new row here and
one service function, nothing else.
"""

from dataclasses import dataclass

from accounts.models import Role

from ..forms import DetermineForm, ExtendForm, FailVerificationForm, NoteForm, ProposeForm
from ..models import CaseEvent, CaseState

R = Role
PROPOSERS = frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD, R.COUNTY_OFFICE})
DETERMINERS = frozenset({R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE})
WORKERS = frozenset({R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD, R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE})
VERIFIERS = frozenset({R.COUNTY_OFFICE})
INSPECTORS = frozenset(
    {R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD, R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE, R.CITY_OFFICE}
)
QUASI_FLAGGERS = frozenset({R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE, R.CITY_OFFICE})
EXTENSION_APPROVERS = frozenset({R.COUNTY_OFFICE, R.CITY_OFFICE})

OPEN = frozenset(
    {
        CaseState.FOUND,
        CaseState.DETERMINED,
        CaseState.IN_PROGRESS,
        CaseState.AWAITING_VERIFICATION,
    }
)
UNDER_DEADLINE = frozenset(
    {CaseState.DETERMINED, CaseState.IN_PROGRESS, CaseState.AWAITING_VERIFICATION}
)


class NextHolder:
    """Who is handed the work once a transition is done (the next step's owner)."""

    DETERMINERS = "determiners"  # the departments and the county office, to 认定
    RESPONSIBLE_UNIT = "responsible_unit"  # the case's 责任单位, to carry out or redo
    VERIFIERS = "verifiers"  # the county office, to 核查验收
    NOBODY = ""

    LABELS = {
        DETERMINERS: "认定部门（县直部门或县整治办）",
        RESPONSIBLE_UNIT: "责任单位",
        VERIFIERS: "县整治办",
        NOBODY: "",
    }


class Told:
    """Who is told when a transition is done (workflow/handovers.py finds the people)."""

    COUNTY_OFFICE = "county_office"  # the 县整治办 of the case's county
    RESPONSIBLE_UNIT = "responsible_unit"  # the active members of the case's 责任单位
    RESPONSIBLE_PERSON = "responsible_person"  # the 分包责任人's own account, if any
    TOWNSHIP = "township"  # the government of the enterprise's township
    STEP_UNITS = "step_units"  # each unit whose steps wait for its confirmation (断电 → 供电公司)

    # By default the next holder is told; a row's `told` says otherwise.
    OF_NEXT_HOLDER = {
        NextHolder.DETERMINERS: (COUNTY_OFFICE,),
        NextHolder.RESPONSIBLE_UNIT: (RESPONSIBLE_UNIT, RESPONSIBLE_PERSON),
        NextHolder.VERIFIERS: (COUNTY_OFFICE,),
        NextHolder.NOBODY: (),
    }


@dataclass(frozen=True)
class Transition:
    key: str
    label: str  # the button and the heading on the case page
    roles: frozenset
    from_states: frozenset  # empty for propose: there is no case yet
    to_state: str | None  # None: the state stays (a record on the timeline)
    event: str  # CaseEvent.Action written on the timeline
    service: str  # the function in workflow.cases that checks this transition's own rule
    form: type  # the input, read by the page and the API alike
    success: str  # what the user is told when it is done
    next_holder: str = NextHolder.NOBODY
    told: tuple | None = None  # who gets the hand-over notice (default: the next holder)
    notice: str = ""  # its subject, e.g. "【待认定】{enterprise} 已上报整治案件"
    what: str = ""  # the verb when the role is wrong: "您的角色……不能{what}" (default: label)
    state_what: str = ""  # the verb when the state is wrong: "……不能{state_what}" (default: what)
    state_refusal: str = ""  # or a whole sentence for a wrong state, where one reads better
    needs_note: bool = False  # the page asks for the note up front (the service requires it)
    sets_deadline: bool = False  # the page warns when the year's calendar is missing
    api_path: str = ""  # /api/cases/{id}/<api_path>/ (defaults to the key)
    style: str = "btn-primary"
    button: str = ""  # the submit button's text (default: label)

    @property
    def role_verb(self):
        return self.what or self.label

    @property
    def state_verb(self):
        return self.state_what or self.role_verb

    @property
    def button_label(self):
        return self.button or self.label

    @property
    def inline(self):
        """A one-line form on the case page (an optional note and the button)."""
        return self.form is NoteForm and not self.needs_note

    @property
    def url_path(self):
        return self.api_path or self.key

    @property
    def changes_state(self):
        return self.to_state is not None

    @property
    def next_holder_label(self):
        return NextHolder.LABELS[self.next_holder]

    @property
    def audiences(self):
        """Who is told once this transition is done (Told keys); () for nobody."""
        if not self.notice:
            return ()
        return self.told if self.told is not None else Told.OF_NEXT_HOLDER[self.next_holder]


TRANSITIONS = {
    transition.key: transition
    for transition in (
        Transition(
            key="propose",
            label="上报整治案件",
            roles=PROPOSERS,
            from_states=frozenset(),
            to_state=CaseState.FOUND,
            event=CaseEvent.Action.PROPOSE,
            service="propose_case",
            form=ProposeForm,
            success="已上报整治案件 {case.number}。",
            notice="【待认定】{enterprise} 已上报整治案件，请认定",
            next_holder=NextHolder.DETERMINERS,
            what="上报整治案件",
        ),
        Transition(
            key="determine",
            label="认定（一企一策）",
            roles=DETERMINERS,
            from_states=frozenset({CaseState.FOUND}),
            to_state=CaseState.DETERMINED,
            event=CaseEvent.Action.DETERMINE,
            service="determine_case",
            form=DetermineForm,
            success="案件已认定。",
            notice="【已认定】{enterprise} 已认定，请按期整治",
            next_holder=NextHolder.RESPONSIBLE_UNIT,
            what="认定案件",
            button="认定",
            state_what="认定",
            sets_deadline=True,
        ),
        Transition(
            key="start",
            label="开始整治",
            roles=WORKERS,
            from_states=frozenset({CaseState.DETERMINED}),
            to_state=CaseState.IN_PROGRESS,
            event=CaseEvent.Action.START,
            service="start_remediation",
            form=NoteForm,
            success="已开始整治。",
            told=(Told.STEP_UNITS,),
            notice="【待确认步骤】{enterprise} 已开始整治",
            next_holder=NextHolder.RESPONSIBLE_UNIT,
        ),
        Transition(
            key="submit",
            label="提请验收",
            roles=WORKERS,
            from_states=frozenset({CaseState.IN_PROGRESS}),
            to_state=CaseState.AWAITING_VERIFICATION,
            event=CaseEvent.Action.SUBMIT,
            service="submit_for_verification",
            form=NoteForm,
            success="已提请验收。",
            notice="【待验收】{enterprise} 已提请验收，请核查验收",
            next_holder=NextHolder.VERIFIERS,
        ),
        Transition(
            key="fail_verification",
            label="验收不通过",
            roles=VERIFIERS,
            from_states=frozenset({CaseState.AWAITING_VERIFICATION}),
            to_state=CaseState.IN_PROGRESS,
            event=CaseEvent.Action.FAIL_VERIFICATION,
            service="fail_verification",
            form=FailVerificationForm,
            success="验收不通过，案件已退回整治并设定新期限。",
            told=(Told.RESPONSIBLE_UNIT, Told.RESPONSIBLE_PERSON, Told.TOWNSHIP, Told.STEP_UNITS),
            notice="【验收不通过】{enterprise} 验收不通过，请整改",
            next_holder=NextHolder.RESPONSIBLE_UNIT,
            what="核查验收",
            state_what="退回整改",
            sets_deadline=True,
            api_path="fail-verification",
            style="btn-danger",
            button="退回整改",
        ),
        Transition(
            key="close",
            label="验收通过，销号",
            roles=VERIFIERS,
            from_states=frozenset({CaseState.AWAITING_VERIFICATION}),
            to_state=CaseState.CLOSED,
            event=CaseEvent.Action.CLOSE,
            service="close_case",
            form=NoteForm,
            success="案件已验收销号。",
            told=(Told.TOWNSHIP,),
            notice="【已销号】{enterprise} 验收通过，已销号",
            what="验收销号",
            style="btn-success",
        ),
        Transition(
            key="reopen",
            label="回头看：认定反弹",
            roles=INSPECTORS,
            from_states=frozenset({CaseState.CLOSED}),
            to_state=CaseState.IN_PROGRESS,
            event=CaseEvent.Action.REOPEN_RELAPSE,
            service="reopen_for_relapse",
            form=NoteForm,
            success="已认定反弹，案件重新进入整治。",
            told=(Told.TOWNSHIP, Told.RESPONSIBLE_UNIT, Told.RESPONSIBLE_PERSON, Told.STEP_UNITS),
            notice="【反弹】{enterprise} 回头看认定反弹，请重新整治",
            next_holder=NextHolder.RESPONSIBLE_UNIT,
            what="认定反弹",
            state_what="认定反弹（只有已销号的案件才能在回头看中认定反弹）",
            needs_note=True,
            button="确定",
            sets_deadline=True,
            style="btn-outline-danger",
        ),
        Transition(
            key="shortfall",
            label="记录整改未到位",
            roles=INSPECTORS,
            from_states=OPEN,
            to_state=None,
            event=CaseEvent.Action.SHORTFALL,
            service="record_shortfall",
            form=NoteForm,
            success="已记录整改未到位。",
            notice="【整改未到位】{enterprise} 整改未到位，请整改",
            next_holder=NextHolder.RESPONSIBLE_UNIT,
            state_refusal="案件已销号，请在回头看中认定反弹，而不是记录整改未到位。",
            needs_note=True,
            button="确定",
            style="btn-outline-danger",
        ),
        Transition(
            key="flag_quasi",
            label="标记类散乱污",
            roles=QUASI_FLAGGERS,
            from_states=frozenset(CaseState.values),
            to_state=None,
            event=CaseEvent.Action.FLAG_QUASI,
            service="flag_quasi",
            form=NoteForm,
            success="已标记为类散乱污。",
            needs_note=True,
            button="确定",
            api_path="flag-quasi",
            style="btn-outline-danger",
        ),
        Transition(
            key="extend",
            label="延长期限",
            roles=WORKERS | EXTENSION_APPROVERS,
            from_states=UNDER_DEADLINE,
            to_state=None,
            event=CaseEvent.Action.EXTEND,
            service="extend_deadline",
            form=ExtendForm,
            success="整治期限已延长。",
            what="申请延期",
            state_what="延长期限",
            sets_deadline=True,
            style="btn-outline-primary",
        ),
    )
}

# The transitions of an existing case: the case page's buttons and the API's POST actions.
CASE_TRANSITIONS = {key: t for key, t in TRANSITIONS.items() if t.from_states}


def states_held_by(holder):
    """The states in which `holder` (a NextHolder) has the case: where the transitions that
    hand it the work lead. 待办 lists and the case list's 待办理方 filter read this."""
    return frozenset(
        transition.to_state
        for transition in TRANSITIONS.values()
        if transition.next_holder == holder and transition.changes_state
    )
