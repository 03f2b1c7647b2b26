"""Who may edit and preview a wave's form: the instruction team, as for the wave pages."""

import rules

from label.rules import is_instruction

# The same right as the waves' pages (label.access_instruction_area): the form is part of the
# wave staff set up. Checked before any lookup, so the URL's wave number reveals nothing.
rules.add_perm("callforms.edit_form", is_instruction)
