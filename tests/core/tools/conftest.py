import pytest

from tests.core.tools import toolfile_plugin


@pytest.fixture(autouse=True)
def _no_tool_files_left_over():
    yield
    toolfile_plugin.SOURCES.clear()
