from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "报表与统计"

    def ready(self):
        from accounts import navigation
        from enterprises.ledger import register_long_export
        from notices import jobs

        from . import todo
        from .dashboard import cache as dashboard_cache
        from .exports import jobs as export_jobs
        from .reminders import register_digests, send_report_reminders

        dashboard_cache.connect()
        todo.register_worklists()
        jobs.register("report_reminders", send_report_reminders, "报表报送提醒")
        self.register_notice_kinds()
        register_digests()
        register_long_export(export_jobs.long_ledger_route)

        navigation.register(
            "报表报送",
            "reporting:index",
            roles={"township_clerk", "township_head", "county_office", "city_office"},
            order=60,
        )
        navigation.register(
            "本单位公章", "reporting:seal", roles={"county_office", "township_head"}, order=95
        )
        navigation.register(
            "领导驾驶舱",
            "reporting:dashboard",
            roles={"bureau_leader", "county_office", "city_office", "administrator"},
            order=5,
        )
        navigation.register(
            "问责台账",
            "reporting:accountability",
            roles={"bureau_leader", "county_office", "city_office", "administrator"},
            order=65,
        )
        # Long exports: any signed-in user may export what they can see.
        navigation.register("导出任务", "reporting:export_list", order=62)
        navigation.register("验证报表", "public:verify", order=96)
        navigation.register("公示名单", "public:public_list", order=97)

    @staticmethod
    def register_notice_kinds():
        from notices.notifications import register_kind

        from .submissions.services import DECISION_LABELS

        for kind, label in DECISION_LABELS.items():
            register_kind(kind, label)
