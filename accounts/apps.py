from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与组织"

    def ready(self):
        from . import navigation

        navigation.register("首页", "home", order=0)
        navigation.register("已办", "accounts:done", order=1)
        navigation.register("辖区", "accounts:region_list", order=90)
        navigation.register("管理后台", "admin:index", roles={"administrator"}, order=200)
