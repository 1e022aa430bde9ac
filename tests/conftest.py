import pytest

from tests.support.server import LocalServer


@pytest.fixture(scope="session")
def local_server():
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def server(local_server):
    local_server.reset()
    yield local_server
    local_server.reset()


@pytest.fixture(scope="session")
def fault_server():
    """The scriptable raw server of ``tests/support/faultserver.py``, in its own process."""
    from tests.support.faultserver import FaultServer

    server = FaultServer().start()
    yield server
    server.stop()
