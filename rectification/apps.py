from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整治销号"

    def ready(self):
        from accounts import navigation
        from notices import jobs

        from . import signals, todo  # noqa: F401  signals: region follow-up
        from .reminders import register_digests, send_due_reminders
        from .workflow.handovers import register_kinds

        navigation.register("整治案件", "rectification:case_list", order=20)
        navigation.register("专项行动", "rectification:campaign_list", order=25)
        navigation.register("催办", "rectification:urging_list", roles={"county_office"}, order=27)
        jobs.register("case_reminders", send_due_reminders, "整治期限、逾期督办和回头看提醒")
        register_digests()
        self.register_ledger_hooks()
        todo.register_worklists()
        register_kinds()
        from .risk import register_risk_source

        register_risk_source()

    @staticmethod
    def register_ledger_hooks():
        # The ledger shows 整治要求/整治期限/完成情况 from the case and links to it; enterprises
        # offers the hooks because it must not import this app.
        from enterprises import ledger

        from .hooks import (
            CaseColumnsProvider,
            ImportCampaigns,
            case_detail_links,
            open_case_for_imported_row,
        )

        ledger.register_case_columns(CaseColumnsProvider())
        ledger.register_detail_links(case_detail_links)
        ledger.register_import_listener(open_case_for_imported_row)
        ledger.register_import_campaigns(ImportCampaigns())
