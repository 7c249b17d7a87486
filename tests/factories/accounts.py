import factory

from accounts.models import Organisation, Region, Role, User

TEST_PASSWORD = "test-pass-123"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{990000000000 + n * 1000:012d}")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = Region.Level.TOWNSHIP
    parent = None


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organisation.Kind.TOWNSHIP_GOVERNMENT
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.TOWNSHIP_CLERK
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def build_area():
    """A small tree: province › city › two counties › townships › villages, one org per node.

    Returns a dict with the regions and a user of every role placed as in the demo:
    township staff in township A1, county staff in county A, city staff in the city.
    """
    L = Region.Level
    province = RegionFactory(code="110000000000", name="测试省", level=L.PROVINCE)
    city = RegionFactory(code="110100000000", name="测试市", level=L.CITY, parent=province)
    county_a = RegionFactory(code="110101000000", name="甲县", level=L.COUNTY, parent=city)
    county_b = RegionFactory(code="110102000000", name="乙县", level=L.COUNTY, parent=city)
    township_a1 = RegionFactory(
        code="110101100000", name="甲一镇", level=L.TOWNSHIP, parent=county_a
    )
    township_a2 = RegionFactory(
        code="110101101000", name="甲二乡", level=L.TOWNSHIP, parent=county_a
    )
    township_b1 = RegionFactory(
        code="110102100000", name="乙一镇", level=L.TOWNSHIP, parent=county_b
    )
    village_a1 = RegionFactory(
        code="110101100201", name="甲一村", level=L.VILLAGE, parent=township_a1
    )
    village_a2 = RegionFactory(
        code="110101101201", name="甲二村", level=L.VILLAGE, parent=township_a2
    )
    village_b1 = RegionFactory(
        code="110102100201", name="乙一村", level=L.VILLAGE, parent=township_b1
    )
    K = Organisation.Kind
    orgs = {
        "township_a1": OrganisationFactory(
            name="甲一镇政府", kind=K.TOWNSHIP_GOVERNMENT, region=township_a1
        ),
        "township_a2": OrganisationFactory(
            name="甲二乡政府", kind=K.TOWNSHIP_GOVERNMENT, region=township_a2
        ),
        "township_b1": OrganisationFactory(
            name="乙一镇政府", kind=K.TOWNSHIP_GOVERNMENT, region=township_b1
        ),
        "county_office": OrganisationFactory(
            name="甲县整治办", kind=K.COUNTY_OFFICE, region=county_a
        ),
        "county_b_office": OrganisationFactory(
            name="乙县整治办", kind=K.COUNTY_OFFICE, region=county_b
        ),
        "environment": OrganisationFactory(
            name="甲县生态环境局",
            kind=K.COUNTY_DEPARTMENT,
            region=county_a,
            department=Organisation.Department.ECOLOGY_ENVIRONMENT,
        ),
        "power": OrganisationFactory(
            name="甲县供电公司",
            kind=K.COUNTY_DEPARTMENT,
            region=county_a,
            department=Organisation.Department.POWER_SUPPLY,
        ),
        "leading_group": OrganisationFactory(
            name="甲县领导小组", kind=K.LEADING_GROUP, region=county_a
        ),
        "city_office": OrganisationFactory(name="测试市整治办", kind=K.CITY_OFFICE, region=city),
    }
    users = {
        "clerk": UserFactory(
            username="clerk_a1", role=Role.TOWNSHIP_CLERK, organisation=orgs["township_a1"]
        ),
        "head": UserFactory(
            username="head_a1", role=Role.TOWNSHIP_HEAD, organisation=orgs["township_a1"]
        ),
        "clerk_a2": UserFactory(
            username="clerk_a2", role=Role.TOWNSHIP_CLERK, organisation=orgs["township_a2"]
        ),
        "clerk_b1": UserFactory(
            username="clerk_b1", role=Role.TOWNSHIP_CLERK, organisation=orgs["township_b1"]
        ),
        "officer": UserFactory(
            username="officer_a", role=Role.DEPARTMENT_OFFICER, organisation=orgs["environment"]
        ),
        "power_officer": UserFactory(
            username="power_a", role=Role.DEPARTMENT_OFFICER, organisation=orgs["power"]
        ),
        "county": UserFactory(
            username="county_a", role=Role.COUNTY_OFFICE, organisation=orgs["county_office"]
        ),
        "county_b": UserFactory(
            username="county_b", role=Role.COUNTY_OFFICE, organisation=orgs["county_b_office"]
        ),
        "leader": UserFactory(
            username="leader_a", role=Role.BUREAU_LEADER, organisation=orgs["leading_group"]
        ),
        "city": UserFactory(
            username="city", role=Role.CITY_OFFICE, organisation=orgs["city_office"]
        ),
        "admin": UserFactory(
            username="admin",
            role=Role.ADMINISTRATOR,
            organisation=None,
            is_superuser=True,
            is_staff=True,
        ),
    }
    return {
        "province": province,
        "city": city,
        "county_a": county_a,
        "county_b": county_b,
        "township_a1": township_a1,
        "township_a2": township_a2,
        "township_b1": township_b1,
        "village_a1": village_a1,
        "village_a2": village_a2,
        "village_b1": village_b1,
        "orgs": orgs,
        "users": users,
    }
