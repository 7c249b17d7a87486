from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "检查与举报"

    def ready(self):
        from accounts import navigation
        from notices import jobs

        from .reminders import TIP_KIND_LABELS, register_digests, remind_waiting_tips

        navigation.register("检查记录", "inspections:inspection_list", order=40)
        navigation.register(
            "督导抽查",
            "inspections:coverage",
            roles={"county_office", "city_office", "bureau_leader", "administrator"},
            order=42,
        )
        navigation.register("督查跟踪台账", "inspections:transfer_list", order=44)
        navigation.register("举报受理", "inspections:tip_list", order=46)
        jobs.register("tip_reminders", remind_waiting_tips, "举报待交办、待核查提醒")
        from notices.notifications import register_kind

        for kind, label in TIP_KIND_LABELS.items():
            register_kind(kind, label)
        register_digests()
        self.register_ledger_links()
        from . import todo

        todo.register_worklists()
        from .risk import register_risk_sources

        register_risk_sources()

    @staticmethod
    def register_ledger_links():
        """Links on the enterprise detail page: its inspections, and the forms that start from it."""
        from enterprises import ledger

        from .hooks import enterprise_detail_links

        if hasattr(ledger, "register_detail_links"):
            ledger.register_detail_links(enterprise_detail_links)
