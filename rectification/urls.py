app_name = "rectification"

urlpatterns = []
