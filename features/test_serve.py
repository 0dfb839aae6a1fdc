"""Steps for the gate at the web server: ``approval serve`` started as a user starts it (the
real CLI, on a Unix socket, against a real ledger), asked as nginx's ``auth_request`` asks it.
The same service behind a real nginx is tested in tests/serve/test_nginx.py."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from approval.demo.synthetic import aggregate_csv
from tests.serve.servers import Service
from tests.world import World

scenarios("serve.feature")

WORKBOOK = "/data/detention-stats.xlsx"


@pytest.fixture
def story() -> Iterator[dict[str, object]]:
    story: dict[str, object] = {}
    yield story
    service = story.get("service")
    if isinstance(service, Service):
        service.close()


def _service(story: dict[str, object]) -> Service:
    service = story["service"]
    assert isinstance(service, Service)
    return service


def _within(seconds: float, check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@given("the workbook and a page of aggregate figures are in the website's document root")
def document_root(world: World, story: dict[str, object]) -> None:
    www = world.root / "www"
    (www / "data").mkdir(parents=True)
    workbook = story["file"]
    assert isinstance(workbook, Path)
    story["file"] = workbook.rename(www / "data" / workbook.name)
    aggregate_csv(www / "data" / "aggregates.csv")
    story["www"] = www


@given("the web server asks approval serve about every request")
def started(world: World, story: dict[str, object]) -> None:
    www = story["www"]
    assert isinstance(www, Path)
    story["service"] = Service(www, world.ledger)


@then("the web server may serve the page of aggregate figures")
def serves_page(story: dict[str, object]) -> None:
    assert _service(story).ask("/data/aggregates.csv") == (200, "clean")


@then("the web server must refuse the workbook as protected")
def refuses_workbook(story: dict[str, object]) -> None:
    assert _service(story).ask(WORKBOOK) == (403, "protected")


@when("a privacy officer and a senior official approve the workbook")
def approve(world: World, story: dict[str, object]) -> None:
    file = story["file"]
    assert isinstance(file, Path)
    request = world.request(file)
    for who in ("o.privacy", "s.senior"):
        result = world.sign(request, who)
        assert result.code == 0, result.output
    story["request"] = request


@then("the web server may serve the workbook within seconds")
def serves_workbook(story: dict[str, object]) -> None:
    assert _within(5, lambda: _service(story).ask(WORKBOOK) == (200, "approved"))


@when("the privacy officer revokes their approval")
def revoke(world: World, story: dict[str, object]) -> None:
    request = story["request"]
    assert isinstance(request, str)
    result = world.run("revoke", request, "--reason", "published by mistake", as_="o.privacy")
    assert result.code == 0, result.output


@then("the web server must refuse the workbook within seconds")
def refuses_again(story: dict[str, object]) -> None:
    assert _within(5, lambda: _service(story).ask(WORKBOOK)[0] == 403)


@then("the refusal log names the workbook by its sha256 and names no person")
def logged(story: dict[str, object]) -> None:
    file = story["file"]
    assert isinstance(file, Path)
    sha256 = hashlib.sha256(file.read_bytes()).hexdigest()
    lines = [json.loads(line) for line in _service(story).refusals()]
    assert any(line.get("sha256") == sha256 and line["verdict"] == "protected" for line in lines)
    text = "\n".join(_service(story).refusals())
    assert "A2" not in text  # no A-number (the synthetic ones start A2)
    assert "," not in "".join(line["path"] for line in lines)  # no "SURNAME, First"


@then(parsers.parse('the web server must refuse "{target}"'))
def refuses_target(story: dict[str, object], target: str) -> None:
    assert _service(story).ask(target)[0] == 403


@then("the web server must refuse a link that leaves the document root")
def refuses_link(world: World, story: dict[str, object]) -> None:
    www = story["www"]
    assert isinstance(www, Path)
    (world.root / "elsewhere.csv").write_text("x\n")
    (www / "data" / "elsewhere.csv").symlink_to(world.root / "elsewhere.csv")
    assert _service(story).ask("/data/elsewhere.csv") == (403, "outside")
