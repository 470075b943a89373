"""The benchmark suite runs, and what it reports is what it measured: the tiny monitoring
figure on the test database, rows that really landed and were cleaned up, and a ratio that
is Charter's median over the ceiling's. No timing is asserted beyond "positive"."""

import json
import statistics

import pytest

from audit.models import AuditEvent
from bench import report
from bench.figures import FIGURES, monitoring_ingestion
from bench.runner import bench_database_url
from bench.scales import SCALES
from bench.world import world_build
from models_registry.audit_actions import ModelsRegistryAction
from models_registry.models import MonitoringBatch, MonitoringPoint

pytestmark = pytest.mark.django_db

TINY = SCALES["tiny"]


@pytest.fixture
def world():
    return world_build()


def test_the_monitoring_figure_measures_landed_rows_and_cleans_them_up(world, monkeypatch):
    landed = []
    check_and_clean = monitoring_ingestion._check_and_clean

    def counting(deployment, expected):
        landed.append(MonitoringPoint.objects.filter(deployment=deployment).count())
        check_and_clean(deployment, expected)

    monkeypatch.setattr(monitoring_ingestion, "_check_and_clean", counting)

    service, api = FIGURES["monitoring_ingestion"](world, TINY)

    warm_up = [monitoring_ingestion.WARM_UP_POINTS] * 3
    assert landed == warm_up + [TINY.batch] * 3 * TINY.rounds
    assert not MonitoringPoint.objects.filter(deployment=world.deployment).exists()
    batches = MonitoringBatch.objects.filter(deployment=world.deployment)
    assert sorted(batches.values_list("points", flat=True)) == sorted(
        warm_up + [TINY.batch] * 3 * TINY.rounds
    )
    # The service and the API write an audit event per batch; COPY, the ceiling, writes none.
    recorded = AuditEvent.objects.filter(action=ModelsRegistryAction.MONITORING_BATCH_RECORDED)
    assert recorded.filter(project=world.deployment.project).count() == 2 * (1 + TINY.rounds)
    assert (service.name, api.name) == (
        "monitoring ingestion, service",
        "monitoring ingestion, HTTP API",
    )
    assert service.ceiling_rounds == api.ceiling_rounds
    for measurement in (service, api):
        assert measurement.unit == "points/s"
        assert len(measurement.charter_rounds) == len(measurement.ceiling_rounds) == TINY.rounds
        assert all(r > 0 for r in measurement.charter_rounds + measurement.ceiling_rounds)
        assert measurement.charter_rate == statistics.median(measurement.charter_rounds)
        assert measurement.ceiling_rate == statistics.median(measurement.ceiling_rounds)
        assert measurement.ratio == measurement.charter_rate / measurement.ceiling_rate
        assert measurement.details == {"batch": TINY.batch, "metrics": 10, "rounds": TINY.rounds}


def test_a_round_whose_rows_did_not_all_land_stops_the_run(world):
    with pytest.raises(RuntimeError, match="0 points in the table after a round of 5"):
        monitoring_ingestion._check_and_clean(world.deployment, 5)


def test_the_report_holds_the_machine_the_commit_and_every_figure(world):
    measurements = FIGURES["monitoring_ingestion"](world, TINY)

    content = report.document(
        scale=TINY, measurements=measurements, postgresql_version="15.0", database="x"
    )

    assert json.loads(json.dumps(content)) == content
    assert content["scale"] == {"name": "tiny", "batch": TINY.batch, "rounds": TINY.rounds}
    assert content["machine"]["postgresql"] == "15.0"
    assert content["machine"]["cpu_count"] >= 1
    assert len(content["git"]["commit"]) == 40
    assert isinstance(content["git"]["dirty"], bool)
    assert [figure["name"] for figure in content["figures"]] == [m.name for m in measurements]
    first = content["figures"][0]
    assert first["ratio"] == first["charter_rate"] / first["ceiling_rate"]
    assert first["rounds"]["charter"] == measurements[0].charter_rounds
    table = report.table(content)
    assert "| monitoring ingestion, service |" in table
    assert "| monitoring ingestion, HTTP API |" in table


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"DATABASE_URL": "postgres://u@db:5432/charter"}, "postgres://u@db:5432/charter_bench"),
        ({"DATABASE_URL": "postgres://u@db/charter_bench"}, "postgres://u@db/charter_bench"),
        (
            {"DATABASE_URL": "postgres://u@db/charter", "BENCH_DATABASE_URL": "postgres://h/b"},
            "postgres://h/b",
        ),
    ],
)
def test_the_benchmarks_never_use_the_development_database(environ, expected):
    assert bench_database_url(environ) == expected


@pytest.mark.parametrize("url", ["", "sqlite:///var/charter.sqlite3"])
def test_the_benchmarks_refuse_anything_but_postgresql(url):
    with pytest.raises(SystemExit, match="need PostgreSQL"):
        bench_database_url({"DATABASE_URL": url})


def test_the_reminders_figure_fans_out_every_reminder_once_and_cleans_up(world):
    from projects.models import Task
    from reminders.models import Reminder

    [measurement] = FIGURES["reminders"](world, TINY)

    assert measurement.name == "reminders fan-out"
    assert measurement.unit == "reminders/s"
    assert len(measurement.charter_rounds) == len(measurement.ceiling_rounds) == TINY.rounds
    assert all(r > 0 for r in measurement.charter_rounds + measurement.ceiling_rounds)
    assert measurement.details == {
        "reminders": TINY.batch,
        "rounds": TINY.rounds,
        "duplicates": 0,
    }
    # every round was rolled back, and the figure's tasks removed
    assert Reminder.objects.count() == 0
    assert Task.objects.filter(project=world.deployment.project).count() == 0


def test_the_audit_export_figure_streams_the_whole_chain_against_copy(world, settings, tmp_path):
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path
    [measurement] = FIGURES["audit_export"](world, TINY)
    chain = str(world.deployment.project.organization.pk)
    events = AuditEvent.objects.filter(chain=chain)
    # the chain built, plus one export event per Charter round and the warm-up and the
    # allocations pass: each export is itself on the trail
    assert events.filter(action="audit_trail.exported").count() == TINY.rounds + 2
    assert measurement.details["events"] == events.count() - 1  # the last pass came after
    assert measurement.details["events"] >= TINY.batch
    assert (measurement.name, measurement.unit) == ("audit trail CSV export", "rows/s")
    assert len(measurement.charter_rounds) == len(measurement.ceiling_rounds) == TINY.rounds
    assert all(r > 0 for r in measurement.charter_rounds + measurement.ceiling_rounds)
    assert measurement.details["peak_rss_growth_kib"] >= 0
    assert measurement.details["python_allocations_peak_kib"] > 0


def test_the_verification_figure_walks_the_whole_chain_against_hashing_alone(world):
    [measurement] = FIGURES["audit_verify"](world, TINY)
    chain = str(world.deployment.project.organization.pk)
    assert measurement.details["events"] == AuditEvent.objects.filter(chain=chain).count()
    assert measurement.details["events"] >= TINY.batch
    assert (measurement.name, measurement.unit, measurement.goal) == (
        "audit chain verification",
        "events/s",
        0.3,
    )
    assert len(measurement.charter_rounds) == len(measurement.ceiling_rounds) == TINY.rounds
    assert all(r > 0 for r in measurement.charter_rounds + measurement.ceiling_rounds)
    # hashing alone is the ceiling: verification does more than that
    assert measurement.ratio < 1
