"""风险画像设置 in Django admin: one row, a weight line per deduction kind offered from the
registered sources with their defaults, thresholds checked with a Chinese message."""

from django.urls import reverse

from enterprises.models import RiskSettings, RiskWeight


def form_data(settings, high_below=60, low_from=80, weights=()):
    data = {
        "high_below": high_below,
        "low_from": low_from,
        "weights-TOTAL_FORMS": len(weights),
        "weights-INITIAL_FORMS": 0,
        "weights-MIN_NUM_FORMS": 0,
        "weights-MAX_NUM_FORMS": 1000,
    }
    for number, (kind, points, cap) in enumerate(weights):
        data[f"weights-{number}-kind"] = kind
        data[f"weights-{number}-points"] = points
        data[f"weights-{number}-cap"] = "" if cap is None else cap
        data[f"weights-{number}-settings"] = settings.pk
    return data


def test_the_administrator_sets_a_weight_from_the_registered_kinds(area, client_for):
    settings = RiskSettings.current()
    client = client_for(area["users"]["admin"])
    url = reverse("admin:enterprises_risksettings_change", args=[settings.pk])
    page = client.get(url).content.decode()
    assert "反弹（死灰复燃）（默认每次 -30）" in page
    assert "整治逾期（默认每个月 -5，最多 -20）" in page
    response = client.post(url, form_data(settings, weights=[("tip", 8, 24)]))
    assert response.status_code == 302
    assert list(RiskWeight.objects.values_list("kind", "points", "cap")) == [("tip", 8, 24)]


def test_thresholds_out_of_order_are_refused_and_nothing_changes(area, client_for):
    settings = RiskSettings.current()
    client = client_for(area["users"]["admin"])
    url = reverse("admin:enterprises_risksettings_change", args=[settings.pk])
    response = client.post(url, form_data(settings, high_below=85, low_from=80))
    assert response.status_code == 200
    assert "分数线应满足" in response.content.decode()
    settings.refresh_from_db()
    assert (settings.high_below, settings.low_from) == (60, 80)


def test_there_is_only_ever_one_settings_row(area, client_for):
    RiskSettings.current()
    client = client_for(area["users"]["admin"])
    assert client.get(reverse("admin:enterprises_risksettings_add")).status_code == 403
