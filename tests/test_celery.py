"""Celery: tasks run in-process without Redis, and cross a real Redis broker to a real worker with it."""

import pytest

from accounts.tasks import ping


def test_task_runs_eagerly_in_process():
    assert ping.delay("你好").get(timeout=5) == "你好"


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_through_redis(celery_worker_process):
    result = ping.apply_async(args=["经过 Redis"], queue=celery_worker_process)
    assert result.get(timeout=30) == "经过 Redis"
    assert result.successful()
