"""Demo notices: every demo login starts with a notice explaining the bell, so a newcomer sees
it working before the first reminder run (`make run` then runs the reminders once, which adds
the real ones: deadlines, overdue cases and late reports as digests). Idempotent."""

from django.urls import reverse

from accounts.models import User

from .notifications import notify_once

WELCOME_KIND = "welcome"
WELCOME_SUBJECT = "【欢迎】您的通知在这里"
WELCOME_BODY = (
    "有人把工作交给您时（案件待认定、待确认步骤、待验收、验收不通过、已销号、反弹，举报交办，"
    "报表被退回或已接收），系统会在这里和邮件中通知您，每件事只通知一次；"
    "整治期限、逾期督办、回头看和报表报送的提醒每天早上7点发送，同一天同一类的多条提醒合并为一条汇总。"
)


def seed(context):
    usernames = [username for username, *_ in context.get("logins", [])]
    link = reverse("notices:notification_list")
    for user in User.objects.filter(username__in=usernames):
        notify_once(
            f"demo:welcome:{user.pk}",
            WELCOME_KIND,
            user.date_joined.date(),
            [user],
            WELCOME_SUBJECT,
            WELCOME_BODY,
            link,
        )
