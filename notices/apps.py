from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "通知与提醒"

    def ready(self):
        from . import notifications  # noqa: F401  registers the e-mail channel
