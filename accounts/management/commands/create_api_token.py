"""`manage.py create_api_token <username> [--name 用途]`: issue an API token and print its key
(the only time it is shown; only its digest is stored). Replaces DRF's drf_create_token."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ApiToken


class Command(BaseCommand):
    help = "为用户签发 API 令牌并显示令牌（只显示这一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途，如“市平台对接”")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户“{username}”。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用。")
        token, key = ApiToken.issue(user, name=name)
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(f"令牌有效至 {expires:%Y-%m-%d %H:%M}；只显示这一次，请妥善保存：")
        self.stdout.write(key)
