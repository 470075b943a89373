"""The base class of every Charter Celery task: puts "task" and the task id on the trail."""

from typing import Any

from celery import Task

from core import context


class ContextTask(Task):
    """Binds the change context for the task's run, so audit events say where they came from."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        token = context.bind(origin="task", request_id=self.request.id, ip_address=None)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            context.reset(token)
