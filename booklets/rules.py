"""May this user act on a cahier? The permissions of the booklets app."""

import rules

from label.rules import is_instruction


@rules.predicate
def is_published(user, booklet):
    """A version staff published: anyone may download it."""
    return booklet is not None and booklet.published_at is not None and booklet.is_done


# Staff write the introduction, generate, publish and withdraw, and read every version.
rules.add_perm("booklets.manage_booklet", is_instruction)
rules.add_perm("booklets.download_booklet", is_published | is_instruction)
