"""The reform plan: plans, tasks and periods (``plans``), progress, unit reports, task import, figures checks."""
