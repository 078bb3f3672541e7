"""Every periodic task names a service function that exists, so a renamed
function cannot silently stop a digest, a reminder or a purge."""
import importlib

from federation import tasks


def test_every_periodic_task_names_an_existing_function():
    assert {"deliver-due-mail", "event-reminders", "directory-digest", "application-reminder",
            "join-request-digest", "notification-digest", "consultation-digest",
            "retention-purge", "health-snapshots", "introduction-outcomes"} <= set(
        tasks.PERIODIC_TARGETS)
    for name, target in tasks.PERIODIC_TARGETS.items():
        module, _, function = target.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), name
