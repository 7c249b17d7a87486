from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业台账"

    def ready(self):
        from accounts import navigation
        from accounts.models import Role
        from notices import jobs

        from .risk import nightly_job

        navigation.register("企业台账", "enterprises:list", order=10)
        navigation.register(
            "导入台账",
            "enterprises:import",
            roles={Role.TOWNSHIP_CLERK, Role.COUNTY_OFFICE, Role.ADMINISTRATOR},
            order=11,
        )
        # 风险画像: overdue months grow by the day, so every score is redone each night.
        jobs.register("risk_scores", nightly_job, "风险画像重新计算")
