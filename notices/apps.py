from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "通知与提醒"

    def ready(self):
        # Importing notifications registers the e-mail channel.
        from .notifications import register_kind

        register_kind("welcome", "使用说明")  # the demo's first notice (notices/demo.py)
