from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业台账"

    def ready(self):
        from accounts import navigation
        from accounts.models import Role

        navigation.register("企业台账", "enterprises:list", order=10)
        navigation.register(
            "导入台账",
            "enterprises:import",
            roles={Role.TOWNSHIP_CLERK, Role.COUNTY_OFFICE, Role.ADMINISTRATOR},
            order=11,
        )
