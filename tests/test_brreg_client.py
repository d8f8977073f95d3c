"""The Enhetsregisteret client against recorded answers on a local server."""

import socket

import pytest
from django.utils import translation

from customers import brreg
from customers.models import CustomerKind
from svenn import brreg_fake


@pytest.fixture(autouse=True)
def _norwegian():
    """The warnings in the UI's default language, whatever ran before."""
    with translation.override("nb"):
        yield


def test_a_unit_is_found_by_its_org_number_with_its_business_address(registry):
    unit = brreg.lookup("915333141").unit

    assert unit == brreg.Unit(
        org_number="915333141",
        name="BAKERIET PÅ HJØRNET AS",
        form="AS",
        address="Storgata 12, Inngang B",
        postal_code="0155",
        postal_place="OSLO",
    )
    assert unit.warnings == []
    assert unit.card_values()["kind"] == CustomerKind.COMPANY


def test_the_client_asks_for_version_2_of_the_registry_media_type(registry, monkeypatch):
    sent = {}
    real_get = brreg.httpx.get

    def spy(url, **kwargs):
        sent.update(kwargs)
        return real_get(url, **kwargs)

    monkeypatch.setattr(brreg.httpx, "get", spy)
    brreg.lookup("915333141")

    assert sent["headers"]["Accept"] == (
        "application/vnd.brreg.enhetsregisteret.enhet.v2+json;charset=UTF-8"
    )
    assert sent["timeout"] == 2.0


def test_a_unit_without_a_business_address_gives_its_postal_address(registry):
    unit = brreg.lookup("921111118").unit

    assert (unit.address, unit.postal_code, unit.postal_place) == (
        "Postboks 44",
        "9008",
        "TROMSØ",
    )


def test_an_unknown_org_number_is_found_nowhere_and_is_no_failure(registry):
    answer = brreg.lookup("976666666")

    assert answer.units == ()
    assert not answer.unavailable


def test_a_bankrupt_unit_says_so(registry):
    unit = brreg.lookup("932222221").unit

    assert unit.bankrupt
    assert unit.warnings == ["Konkurs."]


def test_a_unit_under_liquidation_says_so(registry):
    assert brreg.lookup("943333335").unit.warnings == ["Under avvikling."]


def test_a_unit_with_a_deletion_date_is_deleted(registry):
    unit = brreg.lookup("954444449").unit

    assert unit.deleted_on == "2024-03-01"
    assert unit.warnings == ["Slettet i registeret."]


def test_a_unit_answered_gone_is_deleted(registry):
    unit = brreg.lookup("965555552").unit

    assert unit.removed
    assert unit.warnings == ["Slettet i registeret."]


def test_a_name_search_lists_the_matching_units(registry):
    answer = brreg.search("bakeriet")

    assert [unit.org_number for unit in answer.units] == ["915333141", "921111118"]
    assert "/enheter?navn=bakeriet&size=8" in registry.requests


def test_a_search_without_matches_has_no_embedded_list_and_finds_nothing(registry):
    answer = brreg.search("finnes ikke")

    assert answer == brreg.Answer()


def test_an_answer_is_cached_so_the_registry_is_asked_once_a_day(registry):
    brreg.lookup("915333141")
    brreg.lookup("915333141")
    brreg.lookup("976666666")
    brreg.lookup("976666666")

    assert len(registry.requests) == 2


def test_choosing_a_unit_from_a_search_needs_no_second_request(registry):
    brreg.search("bakeriet")
    brreg.lookup("921111118")

    assert len(registry.requests) == 1


def test_a_slow_registry_is_unavailable_after_two_seconds(registry):
    registry.behaviour = brreg_fake.SLOW

    assert brreg.lookup("915333141") is brreg.UNAVAILABLE


@pytest.mark.parametrize("behaviour", [brreg_fake.ERROR, brreg_fake.MALFORMED])
def test_a_broken_registry_is_unavailable_and_not_cached(registry, behaviour):
    registry.behaviour = behaviour

    assert brreg.lookup("915333141") is brreg.UNAVAILABLE
    assert brreg.search("bakeriet") is brreg.UNAVAILABLE
    registry.behaviour = brreg_fake.NORMAL
    assert brreg.lookup("915333141").unit.name == "BAKERIET PÅ HJØRNET AS"


def test_an_unreachable_registry_is_unavailable(settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.BRREG_API_URL = f"http://127.0.0.1:{port}"

    assert brreg.lookup("915333141") is brreg.UNAVAILABLE


def test_json_of_another_shape_is_unavailable(registry, monkeypatch):
    monkeypatch.setattr(
        brreg_fake.Answers, "unit", lambda self, number: (200, {"navn": ["not", "a", "unit"]})
    )

    assert brreg.lookup("915333141") is brreg.UNAVAILABLE


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("915 333 141", "/enheter/915333141"),
        ("915.333.141", "/enheter/915333141"),
        ("bak", "/enheter?navn=bak&size=8"),
    ],
)
def test_an_org_number_is_looked_up_and_three_letters_are_searched(registry, text, asked):
    brreg.find(text)

    assert registry.requests == [asked]


@pytest.mark.parametrize("text", ["", "ba", "915 333", "123456789", "  12 "])
def test_too_little_to_go_on_asks_nothing(registry, text):
    assert brreg.find(text) == brreg.Answer()
    assert registry.requests == []
