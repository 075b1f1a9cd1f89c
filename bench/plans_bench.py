#!/usr/bin/env python3
"""Plan pages at a larger size: how long the reform office's pages take with many tasks and updates.

Builds a temporary portal (SQLite), a plan with N tasks across the 7 fields and M progress updates
through the services, then times the plan page, a task page, the overview, the follow-up page and
the .xlsx export through the test client (5 runs each, median and max). Not a test: figures.

    .venv/bin/python bench/plans_bench.py --tasks 1000 --updates 5000
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app

    folder = tempfile.mkdtemp(prefix="plans-bench-")
    app = create_app({"INSTANCE_PATH": folder, "SEARCH_BACKGROUND_SYNC": False, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        from app.demo.loader import DEMO_UNITS
        from app.extensions import db
        from app.models import ProgressUpdate
        from app.services.accounts import users as accounts
        from app.services.plans import plans as plan_rules

        units = [accounts.create_unit(code, name) for code, name in DEMO_UNITS]
        accounts.create_user("admin", "bench-pass-123", full_name="Admin", roles=["admin"], unit=units[2])
        plan = plan_rules.create_plan(plan_rules.PlanData(year=2024, number="1/KH-BENCH", title="Bench"), None)
        fields = [f.id for f in plan_rules.fields()]
        rng = random.Random(7)
        started = time.perf_counter()
        tasks = []
        for i in range(args.tasks):
            tasks.append(plan_rules.add_task(plan, plan_rules.TaskData(
                code=f"{i // 100 + 1}.{i % 100 + 1}", title=f"Nhiệm vụ cải cách hành chính số {i}",
                field_id=fields[i % 7], lead_unit_id=units[i % len(units)].id,
                unit_ids=[units[(i + 1) % len(units)].id], deadline=date(2024, 1, 1) + timedelta(days=i % 365)),
                commit=False, validated=True, position=i + 1))
        db.session.commit()
        statuses = ["not_started", "in_progress", "done", "delayed"]
        for j in range(args.updates):
            task = tasks[rng.randrange(len(tasks))]
            status = rng.choice(statuses)
            db.session.add(ProgressUpdate(
                task_id=task.id, unit_id=task.lead_unit_id, status=status,
                percent=100 if status == "done" else rng.randrange(0, 100), done=f"Đã thực hiện bước {j}",
                figures=f"{j} hồ sơ" if j % 3 else "", lacks_figures=not j % 3,
                created_at=datetime(2024, 1, 1) + timedelta(hours=j)))
        db.session.commit()
        plan_id, task_id = plan.id, tasks[0].id
        print(f"data: {args.tasks} tasks, {args.updates} updates in {time.perf_counter() - started:.1f} s")

    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "bench-pass-123"})
    pages = {
        "plan page": f"/plans/{plan_id}",
        "task page": f"/plans/tasks/{task_id}",
        "overview": f"/plans/{plan_id}/overview",
        "follow-up": f"/plans/{plan_id}/follow-up",
        "export .xlsx": f"/plans/{plan_id}/overview.xlsx",
    }
    for name, url in pages.items():
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:<14} median {statistics.median(times):7.0f} ms   max {max(times):7.0f} ms   "
              f"({len(response.data) / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
