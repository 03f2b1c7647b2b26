"""No placeholder reaches the public: the contacts come from settings (issue 11, #17)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_accessibility_and_privacy_pages_show_the_contacts_and_no_placeholder(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "a11y@pma.example"
    settings.DATA_PROTECTION_CONTACT_EMAIL = "dpo@pma.example"
    settings.DATA_PROTECTION_CONTACT_ADDRESS = "DPO du PMA, 21 rue Marcel Sembat, 62300 Lens"

    accessibility = client.get(reverse("label:accessibility")).content.decode()
    privacy = client.get(reverse("privacy:notice")).content.decode()

    contact = privacy[privacy.index('id="contact"') :]
    assert "à compléter" not in accessibility.lower()
    assert "à compléter" not in contact.lower()
    assert 'href="mailto:a11y@pma.example"' in accessibility
    assert 'href="mailto:dpo@pma.example"' in privacy
    assert "DPO du PMA, 21 rue Marcel Sembat, 62300 Lens" in privacy
