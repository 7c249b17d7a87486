"""Demo submissions for the last two months: most townships' ledgers in (some accepted, some
late), a few townships missing the latest deadline, the county's 摸底情况汇总表 returned
once by the city and resubmitted, and its 督查跟踪台账, 附件3–4 summaries and 月报. Idempotent: nothing is added when the county's
submissions already exist.

Submissions go through services.py like any real one (they freeze live numbers); only
their timestamps are moved back afterwards so the demo shows on-time and late filings.
"""

import datetime

from django.utils import timezone

from accounts.models import Role, User

from .models import Submission
from .periods import Period
from .submissions import services


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(submission, day):
    fields = {"submitted_at": _at(day)}
    if submission.version == 1:
        fields["first_submitted_at"] = _at(day)
    Submission.objects.filter(pk=submission.pk).update(**fields)


def seed(context):
    county = context["county"]
    townships = context["townships"]
    if Submission.objects.filter(region__in=[county, *townships]).exists():
        return
    users = {
        (user.organisation_id, user.role): user
        for user in User.objects.filter(
            organisation__in=[*context["township_governments"].values(), context["county_office"]]
        )
    }
    county_user = users[(context["county_office"].id, Role.COUNTY_OFFICE)]
    city_user = User.objects.filter(
        organisation=context["city_office"], role=Role.CITY_OFFICE
    ).first()
    latest = Period.current().previous()
    earlier = latest.previous()

    for index, township in enumerate(townships):
        government = context["township_governments"][township.code]
        clerk = users[(government.id, Role.TOWNSHIP_CLERK)]
        head = users[(government.id, Role.TOWNSHIP_HEAD)]
        # Earlier month: everyone filed; the last two filed after the 23rd.
        submission = services.submit_table("ledger", township, earlier, by=clerk, signed_by=head)
        late = index >= len(townships) - 2
        _backdate(submission, earlier.day(26 if late else 20))
        services.accept_submission(submission, by=county_user)
        # Latest month: the last three have not filed (overdue); one was returned and refiled.
        if index >= len(townships) - 3:
            continue
        submission = services.submit_table("ledger", township, latest, by=clerk, signed_by=head)
        _backdate(submission, latest.day(18 + index % 5))
        if index == 1:
            services.return_submission(
                submission, by=county_user, reason="“整治期限”一栏有空缺，请补全后重新报送。"
            )
            resubmitted = services.resubmit(submission, by=clerk, signed_by=head)
            _backdate(resubmitted, latest.day(23))
        elif index % 2 == 0:
            services.accept_submission(submission, by=county_user)

    survey = services.submit_table(
        "survey_summary", county, earlier, by=county_user, signed_by=county_user
    )
    _backdate(survey, earlier.day(28))
    if city_user is not None:
        services.accept_submission(survey, by=city_user)
        survey = services.submit_table(
            "survey_summary", county, latest, by=county_user, signed_by=county_user
        )
        _backdate(survey, latest.day(27))
        services.return_submission(
            survey, by=city_user, reason="请核对“有无手续”合计数，与台账不一致。"
        )
        _backdate(services.resubmit(survey, by=county_user, signed_by=county_user), latest.day(29))

    # The county's other tables: all filed and accepted for the earlier month; for the latest
    # month the 督查跟踪台账 and the 月报 are in, the 附件3–4 summaries still owed.
    for key, day in (
        ("supervision_tracking", 22),
        ("cleanup_summary", 28),
        ("improvement_summary", 28),
        ("monthly_report", 29),
    ):
        submission = services.submit_table(
            key, county, earlier, by=county_user, signed_by=county_user
        )
        _backdate(submission, earlier.day(day))
        if city_user is not None:
            services.accept_submission(submission, by=city_user)
    for key, day in (("supervision_tracking", 21), ("monthly_report", 28)):
        submission = services.submit_table(
            key, county, latest, by=county_user, signed_by=county_user
        )
        _backdate(submission, latest.day(day))
