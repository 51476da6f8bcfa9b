"""Fixtures of the Rutube sandbox tests."""

import httpx
import pytest

from tests.sandbox.rutube.helpers import AUTH, start_file_server


@pytest.fixture
def rutube(sandbox_control):
    """The sandbox reset to the demo world, with videos ready as soon as they are downloaded
    (tests about processing set a delay and move the Rutube clock)."""
    sandbox_control.set_rutube_config(processing_s=0)
    return sandbox_control


@pytest.fixture
def api(rutube):
    """An httpx client on ``<sandbox>/rutube`` with the demo account's token."""
    with httpx.Client(base_url=rutube.rutube_api_url, headers=AUTH, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def _file_server():
    server, state = start_file_server()
    yield state
    server.shutdown()


@pytest.fixture
def files(_file_server):
    """A local HTTP server Rutube pulls clips from and posts callbacks to, emptied per test."""
    _file_server.files.clear()
    _file_server.posts.clear()
    _file_server.gets.clear()
    return _file_server
