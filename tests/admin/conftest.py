import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from autopost.accounts.models import User


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("ops@example.com", "ops-password-1")


@pytest.fixture
def admin_client(operator):
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture(autouse=True)
def empty_queue():
    HUEY.flush()
    yield
    HUEY.flush()
