import datetime

import factory

from enterprises.credit_code import check_character
from enterprises.models import Enterprise, EnterpriseType, Industry, Sector


def credit_code(number):
    """A valid (checksummed) unified social credit code, distinct for each number."""
    first17 = f"91110101MA{number:07d}"
    return first17 + check_character(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}号加工厂")
    township = None  # pass a township Region
    enterprise_type = EnterpriseType.SMALL_SCATTERED
    sector = Sector.INDUSTRY
    industry = Industry.FOUNDRY
    scale = "5人"
    employee_count = 5
    raw_materials = "废铁"
    involves_air = True
    is_polluting = True
    permits = factory.LazyFunction(lambda: {"environment": False, "business_licence": True})
    reported_on = factory.LazyFunction(lambda: datetime.date(2024, 3, 20))
    responsible_person = "王分包"


def form_data(township, **overrides):
    """POST data of the enterprise form, as a clerk would fill it in."""
    data = {
        "township": township.pk,
        "village": "",
        "village_group": "三组",
        "address": "",
        "name": "宏达铸造厂",
        "credit_code": "",
        "operator": "王老板",
        "phone": "13800000000",
        "enterprise_type": "small_scattered",
        "sector": "industry",
        "industry": "foundry",
        "industry_other": "",
        "scale": "约12人",
        "employee_count": "12",
        "raw_materials": "废钢",
        "involves_air": "on",
        "is_polluting": "on",
        "polluting_note": "冲天炉废气无组织排放",
        "permit_environment": "missing",
        "permit_business_licence": "held",
        "reported_on": "2024-03-15",
        "responsible_person": "李分包",
        "source": "sweep",
        "remarks": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
