"""Shared test setup: no test of the package may reach the network."""

import pytest

from tests import network_guard


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    network_guard.install()
