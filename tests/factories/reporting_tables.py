"""Hand-counted case, inspection and transfer data for the 附件2–4 and 月报 table tests.

Everything is dated around March 2024 (`PERIOD`); the comments say which table cell each
row lands in, so the expected numbers in the tests can be checked by reading this file.
"""

import datetime

from enterprises.models import Sector
from rectification.models import CaseState, Disposal, Requirement
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import (
    InspectionFactory,
    SupervisionTransferFactory,
    TeamFactory,
)
from tests.factories.rectification import CaseFactory

D = datetime.date


def case(township, *, sector=Sector.INDUSTRY, disposal="", state=CaseState.FOUND, **fields):
    enterprise = EnterpriseFactory(
        township=township, sector=sector, reported_on=fields.get("found_on", D(2024, 3, 1))
    )
    return CaseFactory(enterprise=enterprise, disposal=disposal, state=state, **fields)


def mixed_cases(area):
    """Seven cases in county A found by the end of March 2024, one found in April, one in
    county B. Returns them by name (c1…c9) for the effort data to inspect."""
    a1, a2, b1 = area["township_a1"], area["township_a2"], area["township_b1"]
    C = CaseState
    cases = {
        # 甲一镇: closed in March (this month's find, this month's 销号), in time.
        "c1": case(
            a1,
            disposal=Disposal.SHUTDOWN,
            state=C.CLOSED,
            found_on=D(2024, 3, 5),
            closed_on=D(2024, 3, 20),
            deadline=D(2024, 3, 25),
        ),
        # 甲一镇: a relapse being remediated again, past its deadline.
        "c2": case(
            a1,
            disposal=Disposal.SHUTDOWN,
            state=C.IN_PROGRESS,
            found_on=D(2024, 2, 10),
            deadline=D(2024, 3, 15),
            is_relapse=True,
        ),
        # 甲一镇: services upgrade awaiting verification, deadline still ahead.
        "c3": case(
            a1,
            sector=Sector.SERVICES,
            disposal=Disposal.UPGRADE,
            state=C.AWAITING_VERIFICATION,
            found_on=D(2024, 3, 12),
            deadline=D(2024, 4, 30),
        ),
        # 甲一镇: just found, no disposal yet.
        "c4": case(a1, sector=Sector.AGRICULTURE, found_on=D(2024, 3, 28)),
        # 甲一镇: closed only on 10 April — at the end of March it was awaiting and overdue.
        "c5": case(
            a1,
            disposal=Disposal.RELOCATION,
            state=C.CLOSED,
            found_on=D(2024, 1, 15),
            closed_on=D(2024, 4, 10),
            deadline=D(2024, 3, 1),
        ),
        # 甲二乡: determined, no deadline, flagged 类散乱污.
        "c6": case(
            a2,
            sector=Sector.CONSTRUCTION,
            disposal=Disposal.UPGRADE,
            state=C.DETERMINED,
            found_on=D(2024, 2, 1),
            is_quasi=True,
        ),
        # 甲二乡: closed in February.
        "c7": case(
            a2,
            disposal=Disposal.UPGRADE,
            state=C.CLOSED,
            found_on=D(2024, 1, 10),
            closed_on=D(2024, 2, 20),
        ),
        # 甲二乡: found in April — outside March entirely.
        "c8": case(a2, found_on=D(2024, 4, 5)),
        # 乙一镇 (county B): closed on 2 March.
        "c9": case(
            b1,
            disposal=Disposal.SHUTDOWN,
            state=C.CLOSED,
            found_on=D(2024, 2, 1),
            closed_on=D(2024, 3, 2),
        ),
    }
    return cases


def march_effort(area, cases):
    """Team outings of March 2024 (and one of February, which must not count).

    甲县: T1 (county office, 3 people) checks c1's enterprise and a place in 甲二乡 (new find);
    T2 (甲一镇, 2 people) checks c2's and c1's enterprises; the city's T5 (4 people) checks
    c3's enterprise in 甲一镇 and c9's in 乙一镇. 乙县: T4 (2 people) checks c9's enterprise.
    """
    orgs = area["orgs"]
    t1 = TeamFactory(
        organisation=orgs["county_office"], out_on=D(2024, 3, 10), members=["甲", "乙", "丙"]
    )
    InspectionFactory(team=t1, enterprise=cases["c1"].enterprise)
    InspectionFactory(team=t1, township=area["township_a2"], place="废弃仓库", result="new_find")
    t2 = TeamFactory(organisation=orgs["township_a1"], out_on=D(2024, 3, 12), members=["丁", "戊"])
    InspectionFactory(team=t2, enterprise=cases["c2"].enterprise)
    InspectionFactory(team=t2, enterprise=cases["c1"].enterprise)
    t4 = TeamFactory(
        organisation=orgs["county_b_office"], out_on=D(2024, 3, 15), members=["己", "庚"]
    )
    InspectionFactory(team=t4, enterprise=cases["c9"].enterprise)
    t5 = TeamFactory(
        organisation=orgs["city_office"], out_on=D(2024, 3, 20), members=["子", "丑", "寅", "卯"]
    )
    InspectionFactory(team=t5, enterprise=cases["c3"].enterprise)
    InspectionFactory(team=t5, enterprise=cases["c9"].enterprise)
    february = TeamFactory(organisation=orgs["county_office"], out_on=D(2024, 2, 20))
    InspectionFactory(team=february, enterprise=cases["c2"].enterprise, result="new_find")


def transfers(area):
    """附件2 rows: two in county A by the end of March, one in April, one in county B."""
    orgs = area["orgs"]
    a1, a2, b1 = area["township_a1"], area["township_a2"], area["township_b1"]
    first = SupervisionTransferFactory(
        enterprise=EnterpriseFactory(township=a1, name="甲一镇宏达铸造厂", address="甲一村三组"),
        found_by=orgs["county_office"],
        requirement=Requirement.IMPROVE,
        transferred_on=D(2024, 3, 5),
        responsible_person="王分包",
    )
    second = SupervisionTransferFactory(
        enterprise=EnterpriseFactory(township=a2, name="甲二乡红星砖厂", address="甲二村"),
        found_by=orgs["county_office"],
        requirement=Requirement.DEMOLISH,
        transferred_on=D(2024, 2, 10),
        responsible_person="李分包",
        status="demolished",
        completed_on=D(2024, 4, 2),
    )
    april = SupervisionTransferFactory(
        enterprise=EnterpriseFactory(township=a1, name="四月移交的厂", address="甲一村"),
        found_by=orgs["county_office"],
        requirement=Requirement.OBTAIN_PERMITS,
        transferred_on=D(2024, 4, 1),
        responsible_person="赵分包",
    )
    other_county = SupervisionTransferFactory(
        enterprise=EnterpriseFactory(township=b1, name="乙县的厂", address="乙一村"),
        found_by=orgs["county_b_office"],
        transferred_on=D(2024, 3, 6),
    )
    return first, second, april, other_county
