"""Password rules after the CNIL's recommendation (délibération 2022-100, case 2)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.passwords import CnilEntropyValidator, password_entropy_bits
from label.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaaaaaa", "abcabcabcabcabc", "ababababababab", "123456789012", "12121212121212"],
)
def test_repetitive_or_guessable_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(email="claire@example.org", full_name="Claire"))


@pytest.mark.parametrize(
    "password",
    [
        "terrils-et-jardins-2026",
        "Bassin minier 62!",
        "correcthorsebatterystaple",
        "Lens&Liévin-2026",
    ],
)
def test_varied_passwords_pass(password):
    validate_password(password, User(email="claire@example.org", full_name="Claire"))


def test_entropy_counts_the_character_classes_used():
    assert password_entropy_bits("a" * 12) == pytest.approx(12 * 4.7004, rel=1e-3)
    assert password_entropy_bits("aA1!" * 3) > password_entropy_bits("aaaa" * 3)
    assert password_entropy_bits("") == 0


def test_twelve_digits_fall_under_fifty_bits():
    with pytest.raises(ValidationError) as refused:
        CnilEntropyValidator().validate("905817362401")

    assert refused.value.code == "password_low_entropy"


def test_sign_up_refuses_a_repetitive_password_and_says_the_rules(client, roles):
    page = client.get(reverse("accounts:signup")).content.decode()
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Claire Lefebvre",
            "email": "claire@example.org",
            "password1": "abcabcabcabcabc",
            "password2": "abcabcabcabcabc",
        },
    )

    assert "CNIL" in page and "12 caractères" in page and "bloquée 30 minutes" in page
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="claire@example.org").exists()
