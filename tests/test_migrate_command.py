import os
import subprocess
import sys


def test_migrate_on_a_fresh_data_folder_also_creates_the_cache_table(tmp_path):
    """The sweeper's lock and OAuth state live in the database cache; migrate must make its table."""
    env = {**os.environ, "AUTOPOST_DATA_DIR": str(tmp_path)}
    env.pop("AUTOPOST_SQLITE_PATH", None)
    env.pop("DATABASE_URL", None)
    env.pop("CACHE_URL", None)
    run = lambda *argv: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "autopost.cli", *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert run("migrate", "--no-input", "-v0").returncode == 0
    check = run(
        "shell", "-v0", "-c",
        "from django.core.cache import cache; print(cache.add('probe', 1, 5), cache.get('probe'))",
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == ["True", "1"]
