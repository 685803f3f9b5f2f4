"""The worker side of `scan --cluster` that needs Dask itself (imported on the workers, and
by the client only once it runs on a cluster: `scan` without --cluster never imports Dask)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin, get_worker

from analyzer.model import DnsAnswer

if TYPE_CHECKING:
    from analyzer.cluster import OutputDir, Partition, PartResult, Work
    from analyzer.scan import Settings


class PlanOnEachWorker(WorkerPlugin):  # type: ignore[misc]  # Dask's classes are Any here
    """The run's DNS plan, sent to each worker once: a worker plugin, which the scheduler
    also gives to every worker that joins later (one started again after it died).
    Scattered data would be lost with the last worker that held it."""

    idempotent = False

    def __init__(self, plan: dict[tuple[str, str], DnsAnswer]) -> None:
        self.plan = plan


def task(
    work: Work, plan_name: str, part: Partition, settings: Settings, sink: OutputDir | None
) -> PartResult:
    """A partition's task on a worker: `work` with the run's plan, from this worker's plugin."""
    plugin: Any = get_worker().plugins[plan_name]
    return work(part, plugin.plan, settings, sink)
