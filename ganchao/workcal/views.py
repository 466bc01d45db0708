from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ganchao.common.views import require_staff
from ganchao.workcal.models import CalendarOverride


@login_required
@require_staff
def calendar_page(request):
    return render(request, "workcal/calendar.html", {"overrides": CalendarOverride.objects.all()})
