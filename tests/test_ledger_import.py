"""Importing a township's own Excel ledger: preview with every problem, all-or-nothing commit,
idempotent re-import, and a clear message for every bad file. The workbooks are built here."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.refusals import Refused
from enterprises import ledger
from enterprises.imports import services as imports
from enterprises.imports.reading import MAX_DATA_ROWS, LedgerFileError, parse_workbook
from enterprises.models import Enterprise, ImportBatch
from tests.factories.enterprises import EnterpriseFactory, credit_code

pytestmark = pytest.mark.django_db

UPLOAD = reverse("enterprises:import")

HEADER = [
    "序号", "所在村组", "企业名称", "企业类型", "企业规模\n(人员等)", "原辅材料", "涉水涉气",
    "有无手续", "整治要求", "上报时间", "整治期限", "分包责任人", "完成情况\n(完成日期)", "备注",
]  # fmt: skip


def workbook_bytes(rows, *, header=HEADER, title=True, notes=True, extra_sheets=()):
    """A ledger kept the way townships keep 附件1: merged title, 镇（办）/日期 rows, header, notes."""
    workbook = Workbook()
    for name in extra_sheets:
        workbook.create_sheet(name).append(["这是说明页"])
    sheet = workbook.active
    sheet.title = "排查台账"
    if title:
        sheet.append(["甲一镇小散乱污企业排查台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append(["镇（办）：甲一镇 (盖章)"])
        sheet.append(["日期： 2024 年 3 月 23 日"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if notes:
        sheet.append([])
        sheet.append(["注：1. 此表各镇、办事处环保部门填报，自2月起每月23日前上报。"])
        sheet.append(["2. 类型分为：小散乱污、八小。"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content, name="台账.xlsx"):
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def row(number, name, reported, **columns):
    values = {
        "village": "甲一村三组",
        "type": "小散乱污",
        "scale": "5人",
        "materials": "废钢",
        "water_air": "涉气",
        "permits": "无",
        "requirement": "限期拆除",
        "deadline": "2024年5月31日",
        "person": "王分包",
        "completion": "正在拆除",
        "remarks": "",
    }
    values.update(columns)
    return [
        number, values["village"], name, values["type"], values["scale"], values["materials"],
        values["water_air"], values["permits"], values["requirement"], reported,
        values["deadline"], values["person"], values["completion"], values["remarks"],
    ]  # fmt: skip


def parse(content, township):
    return parse_workbook(io.BytesIO(content), township)


def by_name(parsed):
    return {item["data"]["name"]: item for item in parsed.rows}


def test_every_date_format_of_the_issue_is_read(area):
    content = workbook_bytes(
        [
            row(1, "甲厂", "2024年3月15日"),
            row(2, "乙厂", "2024.3.15"),
            row(3, "丙厂", "2024-03-15"),
            row(4, "丁厂", "2024/3/15"),
            row(5, "戊厂", datetime.datetime(2024, 3, 15)),
            row(6, "己厂", 45366),  # Excel serial number of 2024-03-15
            row(7, "庚厂", "２０２４－０３－１５"),
            row(8, "辛厂", " 2024 年 3 月 15 日 "),
        ]
    )
    parsed = parse(content, area["township_a1"])
    assert parsed.error_count == 0, [r["problems"] for r in parsed.rows]
    assert {item["data"]["reported_on"] for item in parsed.rows} == {"2024-03-15"}


def test_layout_of_real_township_files_is_understood(area):
    # Reordered and extra columns, wrapped header names, full-width text, stray spaces,
    # "约12人", blank rows in the middle and trailing 注 rows.
    header = [
        "序号", "企业名称", "所在村组", "上报时间", "企业类型", "联系人微信", "企业规模（人员等）",
        "统一社会信用代码", "涉水涉气", "有无手续", "原辅材料", "分包责任人", "备注",
    ]  # fmt: skip
    content = workbook_bytes(
        [
            [
                1,
                "  宏达　铸造厂 ",
                "甲一村 三组",
                "2024-03-15",
                "小散乱污",
                "wx123",
                "约12人",
                credit_code(5),
                "涉水、涉气",
                "有营业执照，无环评、土地手续",
                "废钢",
                "王分包",
                "",
            ],
            [None] * 13,
            [
                2,
                "ＡＢＣ塑料加工厂",
                "",
                "2024.3.16",
                "八小",
                "",
                "5人",
                "",
                "否",
                "不全",
                "废塑料",
                "李分包",
                "群众举报",
            ],
            [3],
        ],
        header=header,
        extra_sheets=["填表说明"],
    )
    parsed = parse(content, area["township_a1"])
    assert parsed.error_count == 0, [r["problems"] for r in parsed.rows]
    assert parsed.columns["ignored"] == ["联系人微信"]
    first, second = parsed.rows
    assert first["row"] == 5 and second["row"] == 7
    assert first["data"]["name"] == "宏达 铸造厂"
    assert first["data"]["village"] == area["village_a1"].pk
    assert first["data"]["employee_count"] == 12
    assert first["data"]["scale"] == "约12人"
    assert first["data"]["credit_code"] == credit_code(5)
    assert first["data"]["involves_water"] and first["data"]["involves_air"]
    assert first["data"]["permits"] == {
        "business_licence": True,
        "environment": False,
        "land": False,
    }
    assert second["data"]["name"] == "ABC塑料加工厂"
    assert second["data"]["enterprise_type"] == "eight_small"
    assert second["data"]["employee_count"] == 5
    assert not second["data"]["involves_water"] and not second["data"]["involves_air"]


def test_each_problem_is_reported_with_row_column_and_message(area):
    content = workbook_bytes(
        [
            row(1, "", "2024-03-15"),
            row(2, "乙厂", "2024年2月30日"),
            row(3, "丙厂", "2024-03-15", type="大型企业"),
            row(4, "丁厂", "2024-06-01", deadline="2024-05-01"),
            row(5, "戊厂", "2024-03-15", remarks="x"),
            row(6, "戊厂", "2024-03-15"),
            row(7, "己厂", "上周"),
            row(8, "庚厂", ""),
            row(9, "辛厂", "2024-03-15", permits="看情况"),
        ]
    )
    parsed = parse(content, area["township_a1"])
    problems = {
        (item["row"], p["column"]): p["message"] for item in parsed.rows for p in item["problems"]
    }
    assert problems[(5, "企业名称")] == "缺少企业名称。"
    assert "不存在" in problems[(6, "上报时间")]
    assert "企业类型“大型企业”无法识别" in problems[(7, "企业类型")]
    assert "早于上报时间" in problems[(8, "整治期限")]
    assert "与第 9 行是同一企业" in problems[(10, "企业名称")]
    assert "不是可识别的日期" in problems[(11, "上报时间")]
    assert problems[(12, "上报时间")] == "缺少上报时间。"
    assert "有无手续“看情况”无法识别" in problems[(13, "有无手续")]
    assert parsed.error_count == 8
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "统一社会信用代码"])
    sheet.append([*row(1, "坏码厂", "2024-03-15"), "91350100M000100Y44"])
    output = io.BytesIO()
    workbook.save(output)
    bad_code = parse(output.getvalue(), area["township_a1"]).rows[0]
    assert bad_code["problems"][0]["column"] == "统一社会信用代码"
    assert "校验位不正确" in bad_code["problems"][0]["message"]


def test_preview_then_commit_creates_every_row_with_history(area, client_for):
    clerk = area["users"]["clerk"]
    client = client_for(clerk)
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15"), row(2, "兴旺砖厂", "2024.3.20")])
    response = client.post(UPLOAD, {"file": upload(content)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:import_preview", args=[batch.token])
    assert not Enterprise.objects.exists()
    preview = client.get(response["Location"]).content.decode()
    assert "宏达铸造厂" in preview and "确认导入 2 家企业" in preview
    response = client.post(reverse("enterprises:import_commit", args=[batch.token]))
    assert response.status_code == 302
    created = Enterprise.objects.order_by("name")
    assert [e.name for e in created] == ["兴旺砖厂", "宏达铸造厂"]
    hongda = created.get(name="宏达铸造厂")
    assert hongda.township == area["township_a1"]
    assert hongda.village == area["village_a1"]
    assert hongda.village_group == "甲一村三组"
    assert hongda.region_path == area["village_a1"].path
    assert hongda.created_by == clerk
    record = hongda.history.get()
    assert record.history_user == clerk
    assert record.history_change_reason.startswith("Excel 导入")


def test_importing_the_same_file_twice_adds_nothing_the_second_time(area, client_for):
    client = client_for(area["users"]["clerk"])
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15"), row(2, "兴旺砖厂", "2024-03-15")])
    for _ in range(2):
        client.post(UPLOAD, {"file": upload(content)})
        batch = ImportBatch.objects.latest("created_at")
        client.post(reverse("enterprises:import_commit", args=[batch.token]))
    second = ImportBatch.objects.latest("created_at")
    assert Enterprise.objects.count() == 2
    assert second.existing_count == 2
    assert second.created_count == 0


def test_existing_enterprises_are_skipped_by_credit_code_or_name(area):
    EnterpriseFactory(township=area["township_b1"], name="外县某厂", credit_code=credit_code(9))
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    EnterpriseFactory(township=area["township_a1"], name="甲一镇兴旺砖厂")
    header = [*HEADER, "统一社会信用代码"]
    content = workbook_bytes(
        [
            [*row(1, "随便叫的名字", "2024-03-15"), credit_code(9)],
            [*row(2, "宏达 铸造厂", "2024-03-15"), ""],
            [*row(3, "兴旺砖厂", "2024-03-15"), ""],
            [*row(4, "全新企业", "2024-03-15"), ""],
        ],
        header=header,
    )
    parsed = parse(content, area["township_a1"])
    status = {item["data"]["name"]: (item["status"], item["notice"]) for item in parsed.rows}
    assert status["随便叫的名字"][0] == "existing"
    assert status["随便叫的名字"][1] == "已由其他乡镇登记，将跳过。"
    assert status["宏达 铸造厂"][0] == "existing"
    assert status["兴旺砖厂"][0] == "new"
    assert "名称相近" in status["兴旺砖厂"][1]
    assert status["全新企业"] == ("new", "")


def test_commit_is_refused_while_any_row_has_an_error(area, client_for):
    client = client_for(area["users"]["clerk"])
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15"), row(2, "", "2024-03-15")])
    client.post(UPLOAD, {"file": upload(content)})
    batch = ImportBatch.objects.get()
    response = client.post(reverse("enterprises:import_commit", args=[batch.token]), follow=True)
    assert "还有 1 行有错误" in response.content.decode()
    assert not Enterprise.objects.exists()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_commit_is_all_or_nothing(area, monkeypatch):
    clerk = area["users"]["clerk"]
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15"), row(2, "兴旺砖厂", "2024-03-15")])
    batch = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)

    def fail_on_second(enterprise, columns, by):
        if enterprise.name == "兴旺砖厂":
            raise Refused("模拟：登记整治案件失败")

    monkeypatch.setattr(ledger, "_import_listeners", [fail_on_second])
    with pytest.raises(Refused):
        imports.commit_import(batch, by=clerk)
    assert not Enterprise.objects.exists()
    assert not Enterprise.history.exists()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_import_listener_receives_the_old_ledger_case_columns(area, monkeypatch):
    clerk = area["users"]["clerk"]
    received = []
    monkeypatch.setattr(
        ledger, "_import_listeners", [lambda e, columns, by: received.append((e.name, columns))]
    )
    content = workbook_bytes(
        [row(1, "宏达铸造厂", "2024-03-15", completion="拆除到位（2024-05-20）")]
    )
    batch = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)
    imports.commit_import(batch, by=clerk)
    # The listener gets the texts and what they map to, with the row's 上报时间 and
    # 分包责任人 and where it came from (it once had the three texts only, to quote them).
    ((name, columns),) = received
    assert name == "宏达铸造厂"
    assert columns == {
        "requirement": "限期拆除",
        "deadline": "2024-05-31",
        "completion": "拆除到位（2024-05-20）",
        "requirement_code": "demolish",
        "disposal": "shutdown",
        "progress": "拆除到位",
        "completed_on": "2024-05-20",
        "state": "awaiting_verification",
        "found_on": "2024-03-15",
        "responsible_person": "王分包",
        "row": 5,
        "file_name": "台账.xlsx",
        "campaign": None,
        "establish": False,
    }


def test_a_committed_batch_cannot_be_committed_again(area):
    clerk = area["users"]["clerk"]
    batch = imports.stage_import(
        upload(workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])),
        township=area["township_a1"],
        by=clerk,
    )
    imports.commit_import(batch, by=clerk)
    with pytest.raises(Refused, match="已经导入过了"):
        imports.commit_import(batch, by=clerk)
    assert Enterprise.objects.count() == 1


def test_only_the_uploader_can_see_or_commit_a_batch(area, client_for):
    batch = imports.stage_import(
        upload(workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])),
        township=area["township_a1"],
        by=area["users"]["clerk"],
    )
    for user in (area["users"]["county"], area["users"]["clerk_a2"]):
        client = client_for(user)
        assert (
            client.get(reverse("enterprises:import_preview", args=[batch.token])).status_code == 404
        )
        assert (
            client.post(reverse("enterprises:import_commit", args=[batch.token])).status_code == 404
        )
    assert not Enterprise.objects.exists()


def test_county_office_chooses_the_township_clerk_cannot(area, client_for):
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])
    county = client_for(area["users"]["county"])
    response = county.post(UPLOAD, {"file": upload(content), "township": area["township_b1"].pk})
    assert response.status_code == 400
    assert "所选乡镇不在您的管辖范围内" in response.content.decode()
    county.post(UPLOAD, {"file": upload(content), "township": area["township_a2"].pk})
    assert ImportBatch.objects.get().township == area["township_a2"]
    clerk = client_for(area["users"]["clerk"])
    clerk.post(UPLOAD, {"file": upload(content), "township": area["township_a2"].pk})
    assert ImportBatch.objects.latest("created_at").township == area["township_a1"]


@pytest.mark.parametrize("role", ["leader", "officer", "head"])
def test_roles_without_import_rights_are_refused(area, client_for, role):
    client = client_for(area["users"][role])
    assert client.get(UPLOAD).status_code == 403
    response = client.post(UPLOAD, {"file": upload(workbook_bytes([row(1, "某厂", "2024-03-15")]))})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def too_many_rows():
    rows = [row(n, f"企业{n}", "2024-03-15") for n in range(1, MAX_DATA_ROWS + 2)]
    return workbook_bytes(rows, title=False, notes=False)


def encrypted_file():
    # Password-protected .xlsx files are OLE2 compound documents, whatever their extension.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088


def no_header_file():
    workbook = Workbook()
    workbook.active.append(["姓名", "电话"])
    workbook.active.append(["张三", "13800000000"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00", "这不是 Excel 工作簿"),
        (lambda: b"PK\x03\x04" + b"\x00garbage" * 200, "文件已损坏"),
        (lambda: workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])[:600], "文件已损坏"),
        (encrypted_file, "设置了打开密码"),
        (no_header_file, "没有找到台账的表头"),
        (lambda: b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024), "文件太大"),
        (too_many_rows, f"超过 {MAX_DATA_ROWS} 行"),
        (lambda: workbook_bytes([]), "没有任何企业数据行"),
    ],
    ids=[
        "not-a-spreadsheet",
        "corrupt-zip",
        "truncated",
        "encrypted",
        "no-header",
        "too-big",
        "too-many-rows",
        "empty",
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(area, client_for, content, message):
    response = client_for(area["users"]["clerk"]).post(UPLOAD, {"file": upload(content())})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Enterprise.objects.exists()


def test_parse_refuses_bad_file_directly(area):
    with pytest.raises(LedgerFileError, match="设置了打开密码"):
        parse(encrypted_file(), area["township_a1"])


def test_stale_unconfirmed_previews_are_purged_but_committed_batches_kept(area):
    import datetime as dt

    from django.utils import timezone

    from enterprises.tasks import purge_stale_import_previews

    clerk = area["users"]["clerk"]
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])
    stale = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)
    committed = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)
    imports.commit_import(committed, by=clerk)
    fresh = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)
    old = timezone.now() - dt.timedelta(days=8)
    ImportBatch.objects.filter(pk__in=[stale.pk, committed.pk]).update(created_at=old)
    assert purge_stale_import_previews.delay().get() == 1
    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {committed.pk, fresh.pk}


def test_file_naming_another_township_gets_a_warning(area):
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])
    assert parse(content, area["township_a1"]).columns["notices"] == []
    warnings = parse(content, area["township_a2"]).columns["notices"]
    assert warnings == ["文件中填报单位写的是“甲一镇”，而您要导入到甲二乡，请确认没有选错乡镇。"]


def test_formatting_far_below_the_table_does_not_count_as_rows(area):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(1, "宏达铸造厂", "2024-03-15"))
    # A stray value far below 300 blank rows is beyond the end of the table.
    sheet.cell(row=400, column=3, value="表格外的草稿")
    output = io.BytesIO()
    workbook.save(output)
    parsed = parse(output.getvalue(), area["township_a1"])
    assert [item["data"]["name"] for item in parsed.rows] == ["宏达铸造厂"]


def test_tampered_township_value_in_form_does_not_crash(area, client_for):
    response = client_for(area["users"]["county"]).post(
        reverse("enterprises:create"), {"township": "not-a-number", "name": "x"}
    )
    assert response.status_code == 400
    assert "所选乡镇不在您的管辖范围内" in response.content.decode()


def test_preview_page_lists_each_problem_and_blocks_commit(area, client_for):
    client = client_for(area["users"]["clerk"])
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15"), row(2, "", "2024年2月30日")])
    response = client.post(UPLOAD, {"file": upload(content)}, follow=True)
    page = response.content.decode()
    assert "第 6 行" in page
    assert "缺少企业名称" in page
    assert "日期“2024年2月30日”不存在" in page
    assert "不能导入" in page
    assert 'id="commit-import"' not in page
