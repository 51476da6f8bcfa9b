import pytest
from huey.contrib.djhuey import HUEY


@pytest.fixture(autouse=True)
def empty_queue():
    """Each test starts and ends with an empty queue, so job assertions see only their own jobs."""
    HUEY.flush()
    yield
    HUEY.flush()
