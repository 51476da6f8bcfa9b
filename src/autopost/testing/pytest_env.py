"""pytest plugin (loaded with ``-p``) that fixes the test environment before Django reads settings.

Each test session gets its own data folder, a fixed token key, the sandbox on a free port and, on
the Redis backend, its own queue name, so that runs never see each other's data.
"""

import os
import socket
import tempfile
import uuid


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_data_dir = tempfile.mkdtemp(prefix="autopost-test-")
os.environ["AUTOPOST_DATA_DIR"] = _data_dir
os.environ.setdefault("PLATFORM_TOKEN_SECRET", "5f" * 32)
os.environ["AUTOPOST_SANDBOX"] = "1"
os.environ.setdefault("AUTOPOST_SANDBOX_URL", f"http://127.0.0.1:{_free_port()}")
os.environ.setdefault("AUTOPOST_QUEUE_NAME", f"autopost-test-{uuid.uuid4().hex[:8]}")
os.environ.setdefault("AUTOPOST_LOG_FORMAT", "json")
os.environ.setdefault("AUTOPOST_ENV_FILE", os.devnull)
