"""The alert rules and the Grafana dashboard shipped in deploy/ use only metrics we export, and
the rules behave as their promtool unit tests say."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "alerts.test.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "autopost.json"
# A metric name that is not part of a recording rule's name (level:metric:operations).
METRIC_NAME = re.compile(r"(?<![\w:])autopost_\w+")
SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count")}


@pytest.fixture
def promtool():
    path = shutil.which("promtool") or (Path("/usr/bin/promtool").exists() and "/usr/bin/promtool")
    if not path:
        pytest.skip("promtool is not installed (CI installs it: apt-get install prometheus)")
    return path


@pytest.fixture
def exported(scrape) -> set[str]:
    """Series names a real scrape declares, from its # TYPE lines."""
    from django.test import Client

    text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    families = list(text_string_to_metric_families(text))
    assert families
    return {f.name + suffix for f in families for suffix in SUFFIXES[f.type]}


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_alert_rules_pass_their_unit_tests(promtool):
    checked = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(
        [promtool, "test", "rules", RULE_TESTS.name], cwd=RULE_TESTS.parent, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_seed_alerts_and_ours_are_all_there():
    alerts = {rule["alert"]: rule["labels"]["severity"] for rule in rules() if "alert" in rule}
    assert alerts == {
        "AutopostPublishSuccessRateLow": "warning",
        "AutopostPublishSuccessRateCritical": "critical",
        "AutopostQueueBacklog": "warning",
        "AutopostTokenRefreshFailures": "warning",
        "AutopostUnclaimedWork": "critical",
        "AutopostWorkerHeartbeatStale": "critical",
        "AutopostStatsStale": "warning",
        "AutopostStatsSyncFailing": "warning",
    }


def test_alert_rules_use_only_exported_metrics(exported):
    used = {name for rule in rules() for name in METRIC_NAME.findall(rule["expr"])}
    assert used and used <= exported, used - exported


def test_the_dashboard_is_valid_json_and_uses_only_exported_metrics(exported):
    exprs = dashboard_exprs()
    used = {name for expr in exprs for name in METRIC_NAME.findall(expr)}

    assert all(METRIC_NAME.search(expr) for expr in exprs)
    assert used <= exported, used - exported
    # Every metric has a place on the dashboard (a histogram through its buckets).
    shown = {re.sub(r"_(bucket|sum|count)$", "", name) for name in used}
    assert {re.sub(r"_(bucket|sum|count)$", "", name) for name in exported} <= shown


def test_the_dashboard_queries_are_valid_promql(promtool, tmp_path):
    # promtool parses expressions when it checks rules: one recording rule per panel query.
    records = [{"record": f"dashboard:query_{n}", "expr": expr} for n, expr in enumerate(dashboard_exprs())]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": records}]}))
    checked = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_readme_documents_every_metric(exported):
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| metric | type | labels | meaning |"):]
    table = table[: table.index("\n\n")]
    documented = set(re.findall(r"^\| `(autopost_\w+)`", table, flags=re.MULTILINE))
    families = {re.sub(r"_(bucket|sum|count)$", "", name) for name in exported}
    assert documented == families
