from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "metering"
    verbose_name = "电力监测"

    def ready(self):
        from accounts import navigation
        from enterprises.electricity import register_accounts_listener
        from inspections.recorded import register_inspection_listener
        from notices.notifications import register_kind

        from . import risk, todo
        from .alerts import resolve_for_inspection
        from .linking import evaluate_new_accounts
        from .notices import KIND, KIND_LABEL

        navigation.register("用电异常", "metering:alert_list", order=48)
        register_kind(KIND, KIND_LABEL)
        register_inspection_listener(resolve_for_inspection)
        register_accounts_listener(evaluate_new_accounts)
        todo.register_worklists()
        risk.register()
