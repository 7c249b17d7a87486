from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "报表与统计"

    def ready(self):
        from accounts import navigation

        navigation.register(
            "报表报送",
            "reporting:index",
            roles={"township_clerk", "township_head", "county_office", "city_office"},
            order=60,
        )
        navigation.register(
            "本单位公章", "reporting:seal", roles={"county_office", "township_head"}, order=95
        )
        navigation.register("验证报表", "public:verify", order=96)
        navigation.register("公示名单", "public:public_list", order=97)
