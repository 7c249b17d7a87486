import datetime

import factory

from enterprises.models import Enterprise, EnterpriseType, Industry, Sector


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
