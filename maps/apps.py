from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = "一张图"

    def ready(self):
        from accounts import navigation

        # Every signed-in role sees the map of its own area.
        navigation.register("一张图", "maps:map", order=3)
