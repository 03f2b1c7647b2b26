"""May this user act on certificates? The permissions of the certificates app."""

import rules

from label.rules import is_instruction
from reviews.rules import is_labelled

# A new version of the certificate is issued only while the project holds its label.
rules.add_perm("certificates.reissue_certificate", is_instruction & is_labelled)
