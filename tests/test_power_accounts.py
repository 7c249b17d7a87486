"""用电户号 of an enterprise: several in one field of the form, cleaned and checked against the
other enterprises, imported from a ledger column, shown to staff on the detail page and in
the API."""

import pytest
from django.urls import reverse

from enterprises.imports.services import commit_import, stage_import
from enterprises.models import ElectricityAccount, Enterprise
from tests.factories.enterprises import EnterpriseFactory, form_data
from tests.factories.ledger_files import ledger_file, ledger_row, uploaded
from tests.factories.metering import give_account

pytestmark = pytest.mark.django_db

CREATE = reverse("enterprises:create")


def test_several_numbers_in_one_field_become_the_enterprise_s_accounts(area, client_for):
    client = client_for(area["users"]["clerk"])
    data = form_data(
        area["township_a1"], electricity_accounts="3301234567，3301234568、 3301234569 3301234567"
    )
    response = client.post(CREATE, data)
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    numbers = list(enterprise.electricity_accounts.values_list("number", flat=True))
    assert numbers == ["3301234567", "3301234568", "3301234569"]
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).text
    assert "3301234568" in page


def test_a_number_of_another_enterprise_is_refused_with_its_owner_named(area, client_for):
    owner = EnterpriseFactory(township=area["township_a1"], name="老厂")
    give_account(owner, "3301234567")
    response = client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], electricity_accounts="3301234567")
    )
    assert response.status_code == 400
    assert "用电户号 3301234567 已登记在“老厂”" in response.text
    assert Enterprise.objects.count() == 1


def test_a_malformed_number_is_refused(area, client_for):
    response = client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], electricity_accounts="33#01")
    )
    assert response.status_code == 400
    assert "格式不正确" in response.text
    assert not Enterprise.objects.exists()


def test_editing_replaces_the_list(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    give_account(enterprise, "3300000001")
    client = client_for(area["users"]["clerk"])
    form = client.get(reverse("enterprises:edit", args=[enterprise.pk])).context["form"]
    assert form["electricity_accounts"].value() == "3300000001"
    data = form_data(
        area["township_a1"],
        name=enterprise.name,
        electricity_accounts="3300000002",
        version=form["version"].value(),
    )
    client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert list(ElectricityAccount.objects.values_list("number", flat=True)) == ["3300000002"]


def test_the_api_shows_and_sets_the_accounts(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    give_account(enterprise, "3300000001")
    client = api_for(area["users"]["clerk"])
    shown = client.get(f"/api/enterprises/{enterprise.pk}/").json()
    assert shown["electricity_accounts"] == ["3300000001"]
    response = client.patch(
        f"/api/enterprises/{enterprise.pk}/",
        {"electricity_accounts": ["3300000001", "3300000003"], "version": shown["updated_at"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["electricity_accounts"] == ["3300000001", "3300000003"]


def test_a_ledger_column_of_account_numbers_is_imported(area):
    clerk = area["users"]["clerk"]
    rows = [
        [*ledger_row(1, "甲厂"), "3300000011、3300000012"],
        [*ledger_row(2, "乙厂"), ""],
    ]
    batch = stage_import(
        uploaded(ledger_file(rows, extra_header=["用电户号"])),
        township=area["township_a1"],
        by=clerk,
    )
    assert batch.error_count == 0
    commit_import(batch, by=clerk)
    first = Enterprise.objects.get(name="甲厂")
    assert sorted(first.electricity_accounts.values_list("number", flat=True)) == [
        "3300000011",
        "3300000012",
    ]


def test_a_ledger_number_twice_in_the_file_is_a_problem_of_the_second_row(area):
    rows = [[*ledger_row(1, "甲厂"), "3300000011"], [*ledger_row(2, "乙厂"), "3300000011"]]
    batch = stage_import(
        uploaded(ledger_file(rows, extra_header=["户号"])),
        township=area["township_a1"],
        by=area["users"]["clerk"],
    )
    flagged = batch.flagged_rows
    assert [row["row"] for row in flagged] == [6]
    assert flagged[0]["problems"][0]["column"] == "用电户号"
