import os
import subprocess
import sys

from autopost.testing.processes import free_port


def test_demo_sets_up_a_user_a_clip_and_every_sandbox_platform(tmp_path):
    env = {**os.environ, "AUTOPOST_DATA_DIR": str(tmp_path), "AUTOPOST_DEBUG": "1", "AUTOPOST_SANDBOX": "1",
           "AUTOPOST_SANDBOX_URL": f"http://127.0.0.1:{free_port()}"}
    for key in ("AUTOPOST_SQLITE_PATH", "DATABASE_URL", "CACHE_URL", "AUTOPOST_QUEUE_URL"):
        env.pop(key, None)

    def run(*argv):
        done = subprocess.run([sys.executable, "-m", "autopost.cli", *argv], env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("migrate", "-v0")
    printed = run("demo") + run("demo")  # a second run refreshes, never duplicates
    assert "demo@autopost.local" in printed and "API token: ap_" in printed
    state = run("shell", "-v0", "-c", (
        "from autopost.connections.models import PlatformConnection as P; from autopost.clips.models import Clip;"
        "print(sorted(P.objects.filter(status='active').values_list('platform', flat=True)), Clip.objects.count(),"
        " Clip.objects.get().video_codec)"
    ))
    assert state.split() == ["['dzen',", "'rutube',", "'telegram',", "'vk']", "1", "h264"]
