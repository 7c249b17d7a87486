"""Pages travel light: HTML gzipped for a browser that accepts it, ECharts sent only to pages
with charts, and collectstatic with the hashed-name manifest (STATIC_MANIFEST=1) working."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(area, client_for):
    client = client_for(area["users"]["county"])
    response = client.get(reverse("enterprises:list"), headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    plain = client.get(reverse("enterprises:list"))
    assert len(response.content) < len(plain.content) / 2


def test_echarts_is_sent_only_to_pages_with_charts(area, client_for):
    leader = client_for(area["users"]["leader"])
    assert "echarts" in leader.get(reverse("reporting:dashboard")).content.decode()
    for url in (reverse("enterprises:list"), reverse("rectification:case_list")):
        assert "echarts" not in leader.get(url).content.decode()


def test_collectstatic_with_the_manifest_writes_hashed_and_compressed_files(tmp_path):
    env = {**os.environ, "STATIC_MANIFEST": "1", "STATIC_ROOT": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    hashed = list((tmp_path / "vendor" / "echarts").glob("echarts.min.*.js"))
    assert hashed
    assert Path(f"{hashed[0]}.gz").exists()
