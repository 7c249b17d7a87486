"""The issue's "done when" walk in headless Chromium: one 关停取缔 case from proposal to 销号 with a
failed verification in between, each actor in a browser of their own — the township clerk and
the 供电公司 officer on a 390 px phone, the county office at a 1366 px desk. At every hand-over
the receiver opens their 待办 home, finds the item there without searching (one tap from the
home page to the page where the work is done), and their unread count in the top bar has gone
up; the notice itself is in their bell.

Who dates a step is the app's rule: the unit that owns it (供电公司 for 断电) or the county office.
The clerk attaches the photos of the other steps; the county office dates them, finding on its
home the steps no unit of this test county owns (it has no 水务, 工信 or 自然资源 unit).
"""

import datetime

import pytest
from django.utils import timezone

from notices.models import Notification
from rectification.models import Case, CaseState
from tests.browser.case_page import determine_shutdown
from tests.browser.conftest import new_page, sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import (
    SHUTDOWN_STEPS,
    CampaignFactory,
    image_bytes,
    new_enterprise,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def photos(tmp_path):
    """Two distinct JPEG files: the first evidence and the one taken after the failure."""
    paths = []
    for index, color in enumerate([(120, 40, 40), (40, 120, 40)]):
        path = tmp_path / f"现场{index}.jpg"
        path.write_bytes(image_bytes("JPEG", size=(40, 30), color=color))
        paths.append(str(path))
    return paths


class Actor:
    """One person's own browser: signed in, at their screen width."""

    def __init__(self, browser, live_server, username, viewport):
        self.live_server = live_server
        self.context = browser.new_context(locale="zh-CN", viewport=viewport)
        self.page = sign_in(new_page(self.context), live_server, username, TEST_PASSWORD)

    def home(self):
        self.page.goto(f"{self.live_server.url}/")
        self.page.wait_for_selector("#current-user", state="attached")
        return self.page

    def unread(self):
        """The unread count shown in the top bar of the page now open (0 without a badge)."""
        badge = self.page.locator("#unread-count")
        if badge.count() == 0:
            return 0
        assert badge.is_visible(), "未读数应在顶栏直接可见（不用展开菜单）"
        return int(badge.inner_text())

    def open_from_home(self, todo, enterprise, items=1):
        """Tap the (first) item naming `enterprise` in the 待办 list `todo` on the home page."""
        page = self.home()
        item = page.locator(f"#todo-{todo} a.todo-link", has_text=enterprise)
        assert item.count() == items, f"待办“{todo}”中应有 {items} 项 {enterprise}"
        with page.expect_navigation():
            item.first.click()
        page.wait_for_selector("#case-state")
        return page

    def bell_has(self, subject, times=1):
        page = self.page
        page.click("#notification-bell")
        page.wait_for_selector("#notifications")
        notice = page.locator("#notifications .list-group-item", has_text=subject)
        assert notice.count() == times, f"通知中应有 {times} 条“{subject}”"
        return notice.first.inner_text()

    def close(self):
        self.context.close()


def handed_over(actor, before, todo, enterprise):
    """The receiver's home: the unread count went up and the item is in `todo`; opened from it."""
    actor.home()
    assert actor.unread() > before
    return actor.open_from_home(todo, enterprise)


def state_of(page):
    return page.inner_text("#case-state")


def step_box(page, name):
    return f"#{page.locator(f'.step[data-step-name={name}]').get_attribute('id')}"


def confirm(page, name, photo=None):
    box = step_box(page, name)
    page.click(f"{box} summary:has-text('确认完成')")
    if photo:
        page.set_input_files(f"{box} .confirm-form input[type=file]", photo)
    page.click(f"{box} .confirm-form button[type=submit]")
    page.wait_for_selector(f"text=“{name}”已确认完成")


def submit(page):
    page.click("#action-submit")
    page.wait_for_selector("text=已提请验收")
    assert "待验收" in state_of(page)


def test_one_shutdown_case_walks_from_proposal_to_closure_through_each_actors_home(
    area, browser, live_server, photos
):
    enterprise = new_enterprise(area, name="甲一镇红星铸造厂")
    CampaignFactory(name="甲县散乱污整治专项行动")
    name = enterprise.name
    clerk = Actor(browser, live_server, "clerk_a1", PHONE)
    power = Actor(browser, live_server, "power_a", PHONE)
    county = Actor(browser, live_server, "county_a", DESK)
    try:
        counts = {actor: actor.unread() for actor in (clerk, power, county)}

        # 1. The clerk proposes it on the proposal page (the campaign comes preselected).
        page = clerk.page
        page.goto(f"{live_server.url}/cases/new/")
        page.select_option("[name=enterprise]", str(enterprise.pk))
        assert (
            page.locator("[name=campaign] option:checked").inner_text() == "甲县散乱污整治专项行动"
        )
        page.fill("[name=note]", "排查发现无证铸造，建议关停")
        page.click("main button[type=submit]")
        page.wait_for_selector("text=已上报整治案件")
        case = Case.objects.get(enterprise=enterprise)
        assert case.state == CaseState.FOUND

        # 2. The county office (the app hands 认定 to it) finds it on its home and in the bell.
        page = handed_over(county, counts[county], "cases_to_determine", name)
        assert "排查发现" in state_of(page)
        assert "请认定" in county.bell_has(f"【待认定】{name}")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        counts[county] = county.unread()
        deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
        determine_shutdown(page, area, "依法关停，按两断三清一恢复实施", deadline=deadline)
        assert "已认定" in state_of(page)

        # 3. The clerk finds it on 待办 (待开始整治) and starts 整治.
        page = handed_over(clerk, counts[clerk], "cases_to_carry_out", name)
        assert "【已认定】" in clerk.bell_has(f"【已认定】{name}")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        counts[clerk] = clerk.unread()
        page.click("#action-start")
        page.wait_for_selector("text=已开始整治")
        assert "整治中" in state_of(page)
        # The steps come first on the clerk's phone; the clerk attaches each step's photo.
        assert page.get_attribute("#case-layout", "data-layout") == "steps-first"
        others = [step for step in SHUTDOWN_STEPS if step != "断电"]
        for step in others:
            box = step_box(page, step)
            page.click(f"{box} summary:has-text('上传佐证照片')")
            page.set_input_files(f"{box} .photo-form input[type=file]", photos[0])
            page.click(f"{box} .photo-form button[type=submit]")
            page.wait_for_selector(f"{box} img.evidence-thumb")

        # 4. The power company finds its 断电 step on its home and confirms it with a photo.
        page = handed_over(power, counts[power], "steps_to_confirm", name)
        assert "#step-" in page.url
        confirm(page, "断电", photos[0])
        counts[power] = power.unread()

        # 5. The county office finds on its home the steps no unit of this county owns (断水,
        # 清设备, 恢复原状原貌) and dates them with the 生态环境局's two (the photos are the
        # clerk's); then the clerk submits for verification from 待办 (可提请验收).
        page = county.open_from_home("steps_for_county_office", name, items=3)
        for step in others:
            confirm(page, step)
        counts[county] = county.unread()
        clerk.home()
        assert "可提请验收" in clerk.page.inner_text("#todo-cases_to_carry_out")
        page = clerk.open_from_home("cases_to_carry_out", name)
        submit(page)
        counts[clerk] = clerk.unread()

        # 6. The county office finds it on 待办 (待核查验收) and in the bell; fails it naming 断电.
        page = handed_over(county, counts[county], "cases_to_verify", name)
        assert "请核查验收" in county.bell_has(f"【待验收】{name}")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        counts[county] = county.unread()
        assert page.get_attribute("#case-layout", "data-layout") == "actions-first"
        power_step = case.steps.get(name="断电")
        page.click("#summary-fail_verification")
        page.check(f"#form-fail_verification [name=failed_steps][value='{power_step.pk}']")
        page.fill("#form-fail_verification [name=note]", "现场仍有供电线路接入")
        new_deadline = (TODAY + datetime.timedelta(days=40)).isoformat()
        page.fill("#form-fail_verification [name=new_deadline]", new_deadline)
        page.click("#action-fail_verification")
        page.wait_for_selector("text=验收不通过，案件已退回整治")
        assert "整治中" in state_of(page)

        # 7. The clerk and the power company are told, naming 断电; the power company redoes it.
        clerk.home()
        assert clerk.unread() > counts[clerk]
        assert "验收不通过" in clerk.page.inner_text("#todo-cases_to_carry_out")
        told = clerk.bell_has(f"【验收不通过】{name}")
        assert "原因：现场仍有供电线路接入" in told and "断电" in told
        counts[clerk] = clerk.unread()
        page = handed_over(power, counts[power], "steps_to_confirm", name)
        box = step_box(page, "断电")
        assert "验收未通过，待重做" in page.inner_text(f"{box} .step-status")
        confirm(page, "断电", photos[1])
        assert "上次提交" in page.inner_text(f"{box} .step-previous")
        # Told twice, each time naming 断电: when 整治 started and when verification failed it.
        assert "断电" in power.bell_has(f"【待确认步骤】{name}：断电", times=2)

        # 8. The clerk re-submits from 待办; the county office closes it from its 待办.
        page = clerk.open_from_home("cases_to_carry_out", name)
        submit(page)
        counts[clerk] = clerk.unread()
        page = handed_over(county, counts[county], "cases_to_verify", name)
        page.click("#action-close")
        page.wait_for_selector("text=案件已验收销号")
        assert "已销号" in state_of(page)

        # 9. The township gets the 销号 notice.
        clerk.home()
        assert clerk.unread() == counts[clerk] + 1
        assert "已销号" in clerk.bell_has(f"【已销号】{name}")
    finally:
        for actor in (clerk, power, county):
            actor.close()

    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.CLOSED
    assert stored.steps.get(name="断电").photos.count() == 2
    # Each hand-over reached its receivers once.
    subjects = Notification.objects.filter(recipient=area["users"]["clerk"]).values_list(
        "subject", flat=True
    )
    for mark in ("【已认定】", "【验收不通过】", "【已销号】"):
        assert sum(mark in subject for subject in subjects) == 1
