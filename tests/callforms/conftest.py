"""Fixtures of the form builder's tests: the 11th wave with its default form, and a signed-in
member of the instruction team."""

import html

import pytest
from django.urls import reverse

from callforms.declaration import form_for
from tests.conftest import login
from tests.factories import WaveFactory


@pytest.fixture
def wave(db):
    wave = WaveFactory(number=11)
    form_for(wave)
    return wave


@pytest.fixture
def staff(client, instruction_user):
    return login(client, instruction_user)


def text(response):
    """A page's text with its HTML entities read (« » and ’ as the visitor sees them)."""
    return html.unescape(response.content.decode())


def url(name, wave, *args):
    """The builder's URL `name` for `wave`."""
    return reverse(f"callforms:{name}", args=[wave.number, *args])
