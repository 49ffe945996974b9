from django.urls import path

from jusoor.geo import views

app_name = "geo"

urlpatterns = [
    path("gazetteer/", views.unit_list, name="units"),
    path("gazetteer/<str:pcode>/", views.unit_detail, name="unit"),
]
