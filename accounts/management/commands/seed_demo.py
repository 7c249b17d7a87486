"""Build the demo county. Each app contributes a `demo.seed(context)`, run in INSTALLED_APPS order
(accounts first, reporting last) by accounts.demo_runner, which the benchmarks use too."""

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD
from accounts.demo_runner import seed_all
from accounts.models import Region


class Command(BaseCommand):
    help = "生成演示数据：桦川县及其乡镇、部门、各角色演示账号（可重复运行，不会重复生成）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--size", type=int, default=300, help="演示企业数量（基准测试可设为很大）"
        )
        parser.add_argument("--seed", type=int, default=20240315, help="随机种子，保证结果可复现")
        parser.add_argument("--if-empty", action="store_true", help="已有数据时跳过")

    def handle(self, *args, size, seed, if_empty, **options):
        if if_empty and Region.objects.exists():
            self.stdout.write("已有数据，跳过演示数据生成。")
            return
        context = seed_all(size, seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        )
        for username, role, org in context["logins"]:
            self.stdout.write(f"  {username:<16} {role:<8} {org}")
