"""The Iraq gazetteer, public: it holds only published administrative geography."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jusoor.geo.models import AdminUnit, Level


def unit_list(request: HttpRequest) -> HttpResponse:
    units = AdminUnit.objects.filter(level=Level.GOVERNORATE)
    return render(request, "geo/unit_list.html", {"units": units, "unit": None})


def unit_detail(request: HttpRequest, pcode: str) -> HttpResponse:
    unit = get_object_or_404(
        AdminUnit.objects.select_related("parent__parent"), pcode=pcode.upper()
    )
    return render(
        request,
        "geo/unit_list.html",
        {
            "unit": unit,
            "units": unit.children.all(),
            "ancestors": reversed(unit.ancestors()),
        },
    )
