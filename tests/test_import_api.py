"""/api/ledger-imports/: the Excel import as an API resource, with the page's rules: upload →
preview (every row, problem and warning) → commit all or the good rows → the problem rows."""

import pytest

from accounts.sheets import XLSX_CONTENT_TYPE
from enterprises.ledger import LEDGER_COLUMNS
from enterprises.models import Enterprise, ImportBatch
from tests.factories.ledger_files import (
    corrected,
    ledger_file,
    ledger_row,
    response_bytes,
    sheet_table,
    uploaded,
)

pytestmark = pytest.mark.django_db

IMPORTS = "/api/ledger-imports/"


@pytest.fixture
def mixed_file():
    return ledger_file(
        [
            ledger_row(1, "宏达铸造厂"),
            ledger_row(2, "", reported="2024年2月30日"),
            ledger_row(3, "顺发塑料厂", scale="十来个人"),
        ]
    )


def post_file(client, content, **fields):
    return client.post(IMPORTS, {"file": uploaded(content), **fields}, format="multipart")


def names():
    return sorted(Enterprise.objects.values_list("name", flat=True))


def test_upload_preview_commit_good_rows_problem_file_and_reimport(area, api_for, mixed_file):
    client = api_for(area["users"]["clerk"])
    response = post_file(client, mixed_file)
    assert response.status_code == 201, response.data
    preview = response.json()
    token = preview["token"]
    assert (preview["township"], preview["state"]) == (area["township_a1"].code, "preview")
    assert (preview["row_count"], preview["new_count"], preview["error_count"]) == (3, 2, 1)
    assert not Enterprise.objects.exists()
    first, bad, _ = preview["rows"]
    assert (first["row"], first["status"], first["data"]["name"]) == (5, "new", "宏达铸造厂")
    assert first["data"]["reported_on"] == "2024-03-15"
    assert first["case"] == {
        "requirement": "限期拆除",
        "deadline": "2024-05-31",
        "completion": "正在拆除",
        "requirement_code": "demolish",
        "disposal": "shutdown",
        "progress": "正在拆除",
        "completed_on": None,
        "state": "in_progress",
    }
    assert bad["status"] == "error" and bad["committed"] is None
    assert {"row": 6, "column": "企业名称", "message": "缺少企业名称。"} in preview["problems"]
    assert {(p["row"], p["column"]) for p in preview["problems"]} == {
        (6, "企业名称"),
        (6, "上报时间"),
    }
    assert preview["problems_file"].endswith(f"{IMPORTS}{token}/problems.xlsx")
    assert client.get(f"{IMPORTS}{token}/").json() == preview

    response = client.post(f"{IMPORTS}{token}/commit/", {"good_rows_only": True}, format="json")
    assert response.status_code == 200, response.data
    done = response.json()
    assert (done["state"], done["good_rows_only"], done["created_count"]) == (
        "committed",
        True,
        2,
    )
    assert [row["committed"] for row in done["rows"]] == [True, False, True]
    assert names() == ["宏达铸造厂", "顺发塑料厂"]

    response = client.get(f"{IMPORTS}{token}/problems.xlsx", HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    problems = response_bytes(response)
    header, rows = sheet_table(problems)
    assert header == [*LEDGER_COLUMNS, "问题说明"]
    assert len(rows) == 1 and rows[0][9] == "2024年2月30日"

    fixed = corrected(problems, {(0, "企业名称"): "无名加工点", (0, "上报时间"): "2024-02-28"})
    again = post_file(client, fixed).json()
    assert (again["new_count"], again["error_count"]) == (1, 0)
    assert again["problems_file"] is None
    client.post(f"{IMPORTS}{again['token']}/commit/", {}, format="json")
    assert names() == ["宏达铸造厂", "无名加工点", "顺发塑料厂"]
    third = post_file(client, fixed).json()
    assert (third["new_count"], third["existing_count"]) == (0, 1)


def test_commit_all_with_a_flagged_row_is_a_400_with_the_chinese_message(area, api_for, mixed_file):
    client = api_for(area["users"]["clerk"])
    token = post_file(client, mixed_file).json()["token"]
    response = client.post(f"{IMPORTS}{token}/commit/", {"good_rows_only": False}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("还有 1 行有错误")
    assert body["non_field_errors"] == [body["detail"]]
    assert not Enterprise.objects.exists()
    assert ImportBatch.objects.get().state == ImportBatch.State.PREVIEW


def test_a_batch_commits_once(area, api_for):
    client = api_for(area["users"]["clerk"])
    token = post_file(client, ledger_file([ledger_row(1, "宏达铸造厂")])).json()["token"]
    assert client.post(f"{IMPORTS}{token}/commit/", {}, format="json").status_code == 200
    response = client.post(f"{IMPORTS}{token}/commit/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "这个文件已经导入过了，不能重复导入。"
    assert Enterprise.objects.count() == 1


def test_another_user_gets_404_for_someones_batch(area, api_for, mixed_file):
    token = post_file(api_for(area["users"]["clerk"]), mixed_file).json()["token"]
    for user in ("county", "clerk_a2", "head"):
        client = api_for(area["users"][user])
        assert client.get(f"{IMPORTS}{token}/").status_code == 404
        commit = client.post(f"{IMPORTS}{token}/commit/", {"good_rows_only": True}, format="json")
        assert commit.status_code == 404
        assert client.get(f"{IMPORTS}{token}/problems.xlsx").status_code == 404
    assert not Enterprise.objects.exists()


def test_roles_without_import_rights_are_refused(area, api_for, mixed_file):
    response = post_file(api_for(area["users"]["officer"]), mixed_file)
    assert response.status_code == 403
    assert "只有乡镇填报员和县整治办可以导入台账" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_a_clerk_imports_into_her_own_township_only(area, api_for, mixed_file):
    response = post_file(
        api_for(area["users"]["clerk"]), mixed_file, township=area["township_a2"].code
    )
    assert response.status_code == 400
    assert response.json()["township"] == ["乡镇用户只能导入本乡镇的台账。"]
    assert not ImportBatch.objects.exists()


def test_the_county_office_names_a_township_in_its_area(area, api_for, mixed_file):
    client = api_for(area["users"]["county"])
    response = post_file(client, mixed_file)
    assert response.status_code == 400
    assert response.json() == {"detail": "请选择所在乡镇。", "township": ["请选择所在乡镇。"]}
    outside = post_file(client, mixed_file, township=area["township_b1"].code)
    assert outside.status_code == 404
    inside = post_file(client, mixed_file, township=area["township_a2"].code)
    assert inside.status_code == 201
    assert inside.json()["township_name"] == "甲二乡"


def test_an_unreadable_file_is_a_400_on_the_file(area, api_for):
    client = api_for(area["users"]["clerk"])
    response = client.post(
        IMPORTS,
        {"file": uploaded(b"%PDF-1.4\x00\x01\x02 not a workbook", "台账.xlsx")},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["file"] == [body["detail"]] and "Excel" in body["detail"]
    missing = client.post(IMPORTS, {}, format="multipart")
    assert missing.status_code == 400
    assert missing.json()["file"] == ["请选择要导入的台账文件。"]


def test_warnings_are_given_with_row_column_and_message(area, api_for, mixed_file):
    client = api_for(area["users"]["clerk"])
    token = post_file(client, mixed_file).json()["token"]
    # Warnings come from the row parser; this batch is given one to see it through the API.
    batch = ImportBatch.objects.get()
    batch.rows[2]["warnings"] = [{"column": "企业规模(人员等)", "message": "人数无法识别。"}]
    batch.save()
    preview = client.get(f"{IMPORTS}{token}/").json()
    assert preview["warnings"] == [
        {"row": 7, "column": "企业规模(人员等)", "message": "人数无法识别。"}
    ]
    assert preview["rows"][2]["warnings"] == [
        {"column": "企业规模(人员等)", "message": "人数无法识别。"}
    ]
    assert preview["rows"][0]["warnings"] == []


def test_a_batch_without_flagged_rows_has_no_problem_file(area, api_for):
    client = api_for(area["users"]["clerk"])
    token = post_file(client, ledger_file([ledger_row(1, "宏达铸造厂")])).json()["token"]
    response = client.get(f"{IMPORTS}{token}/problems.xlsx")
    assert response.status_code == 400
    assert response.json()["detail"] == "这个批次没有有问题的行，无需下载。"


def test_schema_documents_the_import_endpoints(area, api_for):
    schema = api_for(area["users"]["clerk"]).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    upload = paths[IMPORTS]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "201" in upload["responses"]
    assert "get" in paths["/api/ledger-imports/{token}/"]
    commit = paths["/api/ledger-imports/{token}/commit/"]["post"]
    body = commit["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "good_rows_only" in schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    refusal = commit["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert "detail" in schema["components"]["schemas"][refusal.rsplit("/", 1)[1]]["properties"]
    problems = paths["/api/ledger-imports/{token}/problems.xlsx"]["get"]
    assert XLSX_CONTENT_TYPE in problems["responses"]["200"]["content"]
    batch = schema["components"]["schemas"]["ImportBatch"]["properties"]
    assert {"rows", "problems", "warnings", "error_count", "problems_file"} <= set(batch)
    assert {"campaign_id", "campaign_name", "establish"} <= set(batch)
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][form.rsplit("/", 1)[1]]["properties"]
    assert {"file", "township", "campaign", "establish"} <= set(fields)
    assert "按台账建档" in fields["establish"]["description"]


def test_the_cases_go_into_the_chosen_campaign_else_the_townships_active_one(area, api_for):
    from rectification.models import Case
    from tests.factories.rectification import CampaignFactory

    county_campaign = CampaignFactory(name="甲县专项行动", region=area["county_a"], year=2024)
    chosen = CampaignFactory(name="甲一镇专项行动", region=area["township_a1"], year=2023)
    client = api_for(area["users"]["clerk"])
    default = post_file(client, ledger_file([ledger_row(1, "宏达铸造厂")])).json()
    assert (default["campaign_id"], default["establish"]) == (chosen.pk, False)
    assert default["campaign_name"] == "甲一镇专项行动（2023年）"
    picked = post_file(
        client, ledger_file([ledger_row(2, "顺发塑料厂")]), campaign=county_campaign.pk
    ).json()
    assert picked["campaign_id"] == county_campaign.pk
    assert picked["campaign_name"] == "甲县专项行动（2024年）"
    assert client.post(f"{IMPORTS}{picked['token']}/commit/", {}, format="json").status_code == 200
    assert Case.objects.get(enterprise__name="顺发塑料厂").campaign == county_campaign


def test_a_campaign_outside_the_area_is_a_400_on_campaign(area, api_for, mixed_file):
    from tests.factories.rectification import CampaignFactory

    other = CampaignFactory(name="乙县专项行动", region=area["county_b"])
    response = post_file(api_for(area["users"]["clerk"]), mixed_file, campaign=other.pk)
    assert response.status_code == 400
    assert response.json()["campaign"] == ["所选专项行动不在您的辖区范围内，不能把案件登记到其中。"]
    assert not ImportBatch.objects.exists()


def test_a_clerk_asking_for_establish_is_a_400_on_establish(area, api_for, mixed_file):
    response = post_file(api_for(area["users"]["clerk"]), mixed_file, establish="true")
    assert response.status_code == 400
    assert response.json()["establish"] == ["只有县整治办或系统管理员可以按台账建档。"]
    assert not ImportBatch.objects.exists()


def test_the_county_office_imports_by_establishing_from_the_ledger(area, api_for):
    from rectification.models import Case, CaseState
    from tests.factories.rectification import CampaignFactory

    CampaignFactory(name="甲县专项行动", region=area["county_a"])
    client = api_for(area["users"]["county"])
    preview = post_file(
        client,
        ledger_file([ledger_row(1, "宏达铸造厂")]),
        township=area["township_a1"].code,
        establish="true",
    ).json()
    assert preview["establish"] is True
    assert client.post(f"{IMPORTS}{preview['token']}/commit/", {}, format="json").status_code == 200
    assert Case.objects.get().state == CaseState.IN_PROGRESS  # 正在拆除, as the ledger states
