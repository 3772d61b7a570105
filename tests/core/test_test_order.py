"""The order the suite's tests are handed to pytest-xdist's workers (tests/conftest.py,
``pytest_collection_modifyitems``): each worker's first share starts with long tests, and a
module's long tests stay together."""

from types import SimpleNamespace

import pytest

from tests.conftest import pytest_collection_modifyitems


def _item(nodeid: str, long: bool):
    return SimpleNamespace(
        nodeid=nodeid, get_closest_marker=lambda name: name == "slow" if long else None
    )


def _collection():
    """Collected as pytest finds them: long modules among short ones."""
    items = [_item(f"tests/a/test_short_{n}.py::test_{n}", False) for n in range(10)]
    items += [_item(f"tests/browser/test_walk.py::test_{n}", True) for n in range(3)]
    items += [_item(f"tests/b/test_short_{n}.py::test_{n}", False) for n in range(20)]
    items += [_item(f"tests/api/test_schemathesis.py::test_{n}", True) for n in range(4)]
    items += [_item(f"tests/browser/test_phone.py::test_{n}", True) for n in range(2)]
    return items


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_each_workers_first_share_begins_with_long_tests_and_keeps_modules_whole(workers):
    items = _collection()
    before = list(items)
    config = SimpleNamespace(workerinput={"workercount": workers})
    pytest_collection_modifyitems(config, items)
    assert sorted(map(id, items)) == sorted(map(id, before)), "every test once, none lost"
    long_modules = {"tests/browser/test_walk.py", "tests/api/test_schemathesis.py"}
    long_modules.add("tests/browser/test_phone.py")
    # xdist's first distribution (--dist worksteal): equal contiguous shares, in order.
    shares, left, start = [], len(items), 0
    for worker in range(workers):
        size = left // (workers - worker)
        shares.append(items[start : start + size])
        start, left = start + size, left - size
    worker_of_module = {}
    for number, share in enumerate(shares):
        kinds = [item.get_closest_marker("slow") is not None for item in share]
        assert kinds == sorted(kinds, reverse=True), f"share {number}: long tests first"
        for item in share:
            module = item.nodeid.split("::")[0]
            if module in long_modules:
                assert worker_of_module.setdefault(module, number) == number, module
    if workers > 1:
        assert all(share[0].get_closest_marker("slow") for share in shares[: min(workers, 3)])


def test_without_workers_the_long_tests_come_first_in_collection_order():
    items = _collection()
    pytest_collection_modifyitems(SimpleNamespace(), items)
    long = [item.nodeid for item in items if item.get_closest_marker("slow")]
    assert [item.nodeid for item in items[: len(long)]] == long
    assert long[0] == "tests/browser/test_walk.py::test_0"
