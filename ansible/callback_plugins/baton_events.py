"""Prints one JSON object per line for each playbook event, for the runPlaybook activity to stream.

Events: {"event": "task", "role", "task"} when a task starts; {"event": "result", "role", "task",
"status": ok|changed|failed|skipped|unreachable, "msg"?, "item"?, "ignored"?} per task (and loop item);
{"event": "stats", "ok", "changed", "failed", "unreachable", "skipped", "data"?} at the end, data being what
the playbook reported with set_stats (not per host). Only the module's
message is passed on, never its return values; Ansible has already censored no_log results.
"""

import json

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: baton_events
type: stdout
short_description: one JSON line per task event, for Baton's runPlaybook activity
description:
  - Prints task starts, task results (status and module message) and the final counts as JSON lines.
"""

MESSAGE_LIMIT = 2000


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "baton_events"

    def __init__(self):
        super().__init__()
        # Names as templated when each task started: a loop's final result carries the raw name.
        self._task_names = {}

    def _emit(self, event):
        self._display.display(json.dumps(event, sort_keys=True))

    def _names(self, task):
        if task._uuid in self._task_names:
            return self._task_names[task._uuid]
        role = task._role.get_name(include_role_fqcn=False) if task._role else ""
        name = task.get_name().strip()
        # get_name() prefixes the role ("role : name"); the role is its own field.
        if role and name.startswith(role + " : "):
            name = name[len(role) + 3:]
        self._task_names[task._uuid] = {"role": role, "task": name}
        return self._task_names[task._uuid]

    def _result(self, result, status, item=False):
        event = {"event": "result", "status": status, **self._names(result._task)}
        body = result._result
        # A no_log task's result is censored: say so (and keep an HTTP status, which is no secret).
        censored = body.get("censored")
        if censored and body.get("status"):
            censored = f"{censored} (HTTP status {body.get('status')})"
        message = body.get("msg") or body.get("stderr") or body.get("reason") or censored or ""
        if message:
            event["msg"] = str(message)[:MESSAGE_LIMIT]
        if item:
            event["item"] = str(self._get_item_label(body))[:200]
        if status == "failed" and result._task.ignore_errors:
            event["ignored"] = True
        self._emit(event)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit({"event": "task", **self._names(task)})

    def v2_runner_on_ok(self, result):
        self._result(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._result(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._result(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        self._result(result, "changed" if result._result.get("changed") else "ok", item=True)

    def v2_runner_item_on_failed(self, result):
        self._result(result, "failed", item=True)

    def v2_runner_item_on_skipped(self, result):
        self._result(result, "skipped", item=True)

    def v2_playbook_on_stats(self, stats):
        totals = {"ok": 0, "changed": 0, "failed": 0, "unreachable": 0, "skipped": 0}
        for host in stats.processed:
            summary = stats.summarize(host)
            for key in ("ok", "changed", "unreachable", "skipped"):
                totals[key] += summary[key]
            totals["failed"] += summary["failures"]
        data = (stats.custom or {}).get("_run")
        self._emit({"event": "stats", **totals, **({"data": data} if data else {})})
