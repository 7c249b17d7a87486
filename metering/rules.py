"""The rules that turn readings into alerts, evaluated set-based: one INSERT … SELECT per rule
over the readings in scope (a committed batch, or one newly linked account) joined to the
enterprises' 用电户号 and cases, never a loop over rows in Python. A province's million
readings are evaluated in a few statements (bench/bench_metering.py).

疑似复产: a 关停取缔 case whose 断电 step is confirmed (the step confirmed by the 供电公司) or
that is 已销号, and a reading of a period starting after the cut (or the closure) above the
monthly or the daily threshold.
疑似违规生产: an 升级改造 case 整治中 (Qingling has no separate 停产整治 state: a case under
remediation is the plant stopped to be put right), and the enterprise's month total above
`baseline_share` of its pre-case baseline, the mean monthly kWh of its readings before the
case was opened (found_on); no baseline, no rule.

One alert per enterprise per month: the unique constraint and ON CONFLICT DO NOTHING make a
re-import or a re-evaluation add nothing; a new triggering reading of the same month is added
to the existing alert's readings."""

from django.db import connection
from django.utils import timezone

from accounts.models import Region
from accounts.paths import path_at_level
from enterprises.ledger import notify_bulk_change
from enterprises.models import ElectricityAccount, Enterprise
from enterprises.risk import recompute_on_commit
from rectification.models import Case, CaseState, CaseStep, Disposal

from .models import AlertRule, AlertState, MeteringSettings, MeterReading, PeriodKind, PowerAlert


def _tables():
    quote = connection.ops.quote_name
    return {
        "reading": quote(MeterReading._meta.db_table),
        "account": quote(ElectricityAccount._meta.db_table),
        "enterprise": quote(Enterprise._meta.db_table),
        "case": quote(Case._meta.db_table),
        "step": quote(CaseStep._meta.db_table),
        "alert": quote(PowerAlert._meta.db_table),
        "through": quote(PowerAlert.readings.through._meta.db_table),
    }


# Each candidate query yields (enterprise_id, case_id, period_month, reading_id, amount,
# threshold) for the readings in {scope}; its parameters follow the scope's.
RESUMED = """
SELECT a.enterprise_id AS enterprise_id, c.id AS case_id, r.period_month AS period_month,
       r.id AS reading_id, r.kwh AS amount,
       CASE WHEN r.period_kind = %s THEN %s ELSE %s END AS threshold
FROM {reading} r
JOIN {account} a ON a.number = r.account_number
JOIN {enterprise} e ON e.id = a.enterprise_id AND e.region_path LIKE r.region_path || '%%'
JOIN {case} c ON c.enterprise_id = a.enterprise_id AND c.disposal = %s
LEFT JOIN (
    SELECT s.case_id AS case_id, MIN(s.done_on) AS cut_on FROM {step} s
    WHERE s.kind = %s AND s.confirming_department = %s AND s.done_on IS NOT NULL
    GROUP BY s.case_id
) cut ON cut.case_id = c.id
WHERE {scope}
  AND (cut.cut_on IS NOT NULL OR c.state = %s)
  AND r.period_start > COALESCE(cut.cut_on, c.closed_on)
  AND ((r.period_kind = %s AND r.kwh > %s) OR (r.period_kind = %s AND r.kwh > %s))
"""

PRODUCING = """
SELECT a.enterprise_id AS enterprise_id, c.id AS case_id, r.period_month AS period_month,
       r.id AS reading_id, t.total AS amount, b.baseline * %s AS threshold
FROM {reading} r
JOIN {account} a ON a.number = r.account_number
JOIN {enterprise} e ON e.id = a.enterprise_id AND e.region_path LIKE r.region_path || '%%'
JOIN {case} c ON c.enterprise_id = a.enterprise_id AND c.disposal = %s AND c.state = %s
JOIN (
    SELECT c2.id AS case_id, SUM(r2.kwh) * 1.0 / COUNT(DISTINCT r2.period_start) AS baseline
    FROM {case} c2
    JOIN {account} a2 ON a2.enterprise_id = c2.enterprise_id
    JOIN {reading} r2 ON r2.account_number = a2.number AND r2.period_kind = %s
        AND r2.period_start < c2.found_on
    WHERE c2.disposal = %s AND c2.state = %s
    GROUP BY c2.id
) b ON b.case_id = c.id
JOIN (
    SELECT a3.enterprise_id AS enterprise_id, r3.period_start AS period_start,
           SUM(r3.kwh) AS total
    FROM {reading} r3
    JOIN {account} a3 ON a3.number = r3.account_number
    WHERE r3.period_kind = %s AND EXISTS (
        SELECT 1 FROM {case} c3 WHERE c3.enterprise_id = a3.enterprise_id
        AND c3.disposal = %s AND c3.state = %s)
    GROUP BY a3.enterprise_id, r3.period_start
) t ON t.enterprise_id = a.enterprise_id AND t.period_start = r.period_start
WHERE {scope}
  AND r.period_kind = %s AND r.period_start > c.found_on
  AND b.baseline > 0 AND t.total > b.baseline * %s
"""


def _resumed_params(rules):
    month, day = float(rules.monthly_threshold_kwh), float(rules.daily_threshold_kwh)
    head = [PeriodKind.MONTH, month, day, Disposal.SHUTDOWN]
    head += [CaseStep.Kind.CLOSURE_STEP, "power_supply"]
    tail = [CaseState.CLOSED, PeriodKind.MONTH, month, PeriodKind.DAY, day]
    return head, tail


def _producing_params(rules):
    share = float(rules.baseline_share)
    upgrade, in_progress, month = Disposal.UPGRADE, CaseState.IN_PROGRESS, PeriodKind.MONTH
    head = [share, upgrade, in_progress, month, upgrade, in_progress, month, upgrade, in_progress]
    tail = [month, share]
    return head, tail


INSERT_ALERTS = """
INSERT INTO {alert} (enterprise_id, case_id, rule, period_month, kwh, threshold_kwh, state,
                     batch_id, created_at, resolution, region_path)
SELECT cand.enterprise_id, MAX(cand.case_id), %s, cand.period_month, MAX(cand.amount),
       MIN(cand.threshold), %s, %s, %s, '', e.region_path
FROM ({candidates}) cand JOIN {enterprise} e ON e.id = cand.enterprise_id
WHERE 1 = 1
GROUP BY cand.enterprise_id, cand.period_month, e.region_path
ON CONFLICT DO NOTHING
"""

INSERT_TRIGGERS = """
INSERT INTO {through} (poweralert_id, meterreading_id)
SELECT DISTINCT al.id, cand.reading_id
FROM ({candidates}) cand
JOIN {alert} al ON al.enterprise_id = cand.enterprise_id AND al.period_month = cand.period_month
WHERE 1 = 1
ON CONFLICT DO NOTHING
"""


def evaluate(scope_sql, scope_params, *, batch=None):
    """Raise the alerts the readings in scope call for; returns the ids of the new alerts.
    `scope_sql` is a condition on the readings `r` (e.g. "r.batch_id = %s")."""
    rules = MeteringSettings.current()
    tables = _tables()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    before = PowerAlert.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with connection.cursor() as cursor:
        for rule, template, params in (
            (AlertRule.RESUMED, RESUMED, _resumed_params(rules)),
            (AlertRule.PRODUCING, PRODUCING, _producing_params(rules)),
        ):
            head, tail = params
            candidates = template.format(scope=scope_sql, **tables)
            candidate_params = [*head, *scope_params, *tail]
            cursor.execute(
                INSERT_ALERTS.format(candidates=candidates, **tables),
                [rule, AlertState.OPEN, getattr(batch, "pk", None), now, *candidate_params],
            )
            cursor.execute(
                INSERT_TRIGGERS.format(candidates=candidates, **tables), candidate_params
            )
    # The alerts numbered after the last one before: those this evaluation inserted (the
    # commit that calls it holds the batch's lock; a concurrent link may add its own too).
    raised = list(
        PowerAlert.objects.filter(id__gt=before).values_list("id", "enterprise_id", "region_path")
    )
    # A new alert deducts from its enterprise's 风险画像.
    recompute_on_commit(enterprise_id for _alert_id, enterprise_id, _path in raised)
    # Inserted by SQL, so no post_save: the dashboards of these counties count them anew.
    counties = {path_at_level(path, Region.Level.COUNTY) for _alert_id, _pk, path in raised}
    for county in Region.objects.filter(path__in=counties - {None}):
        notify_bulk_change(county)
    return [alert_id for alert_id, _enterprise_id, _path in raised]


def evaluate_batch(batch):
    return evaluate("r.batch_id = %s", [batch.pk], batch=batch)


def evaluate_account(number):
    return evaluate("r.account_number = %s", [number])


ACCOUNTS_PER_STATEMENT = 500


def evaluate_accounts(numbers):
    """The rules over the readings of these accounts (newly registered ones), a few hundred
    accounts per statement."""
    raised = []
    numbers = list(numbers)
    for start in range(0, len(numbers), ACCOUNTS_PER_STATEMENT):
        chunk = numbers[start : start + ACCOUNTS_PER_STATEMENT]
        placeholders = ", ".join(["%s"] * len(chunk))
        raised += evaluate(f"r.account_number IN ({placeholders})", chunk)
    return raised
