"""Room on CPython's frame stack (core/headroom.py): pages and jobs run from the big
frame of ``with_headroom``, which passes its call's arguments, answer and errors on."""

import sys

import pytest
from django.test.signals import template_rendered

from core.headroom import SLOTS, with_headroom

from . import job_kinds
from .test_jobs import letters


def in_headroom():
    """Whether the caller runs below a frame of ``with_headroom``."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is with_headroom.__code__:
            return True
        frame = frame.f_back
    return False


def test_the_frame_is_too_big_for_a_16_kb_chunk_and_leaves_room_in_a_64_kb_one():
    code = with_headroom.__code__
    assert code.co_nlocals >= SLOTS
    # CPython 3.11 maps a chunk of 64 KB when (frame + 1,000 slots) * 8 exceeds 32 KB.
    slots = code.co_nlocals + code.co_stacksize
    assert (slots + 1000) * 8 > 32 * 1024 and slots * 8 < 32 * 1024


def test_the_call_gets_its_arguments_and_its_answer_comes_back():
    assert with_headroom(lambda a, b=0: (a, b, in_headroom()), 1, b=2) == (1, 2, True)
    assert not in_headroom()


def test_an_error_of_the_call_comes_out_unchanged():
    def refuse():
        raise KeyError("nope")

    with pytest.raises(KeyError, match="nope"):
        with_headroom(refuse)


def test_a_page_is_rendered_below_the_frame(world, client_for):
    seen = []

    def rendered(sender, template, **kwargs):
        seen.append((template.name, in_headroom()))

    template_rendered.connect(rendered)
    try:
        response = client_for(world.admin).get("/customers/")
    finally:
        template_rendered.disconnect(rendered)
    assert response.status_code == 200
    assert ("customers/list.html", True) in seen
    assert all(inside for _, inside in seen)


def test_a_job_runs_below_the_frame(world):
    inside = []
    job_kinds.DURING.append(lambda job: inside.append(in_headroom()))
    try:
        letters(world.employee, "ab")
    finally:
        job_kinds.DURING.clear()
    assert inside == [True, True]
