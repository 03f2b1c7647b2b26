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


def test_legal_and_privacy_notices_show_publisher_host_and_processors_from_settings(
    client, settings
):
    settings.LEGAL_PUBLISHER_DETAILS = "Siège : 21 rue Marcel Sembat, 62300 Lens"
    settings.LEGAL_HOST_DETAILS = "Hébergeur Exemple, 59000 Lille"
    settings.PRIVACY_PROCESSORS = "Relais de courriel Exemple, en France"

    legal = client.get(reverse("label:legal_notice")).content.decode()
    privacy = client.get(reverse("privacy:notice")).content.decode()

    assert "à compléter" not in legal.lower()
    assert "Texte à compléter" not in privacy
    assert "Siège : 21 rue Marcel Sembat, 62300 Lens" in legal
    assert "Hébergeur Exemple, 59000 Lille" in legal
    assert "Relais de courriel Exemple, en France" in privacy
