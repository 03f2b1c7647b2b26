"""Hooks through which the apps above callforms lend it what it may not import.

- the criteria of a wave's grid (reviews registers a provider: fn(wave) -> [(code, label)]);
- how many drafts answered a question (applications registers a counter: fn(wave, key) -> int),
  said on the confirmation page before a question is deleted.
"""

_criteria_providers = []
_answer_counters = []


def register_criteria_provider(fn):
    """Register fn(wave) -> list of (code, label) of the wave's grid (idempotent)."""
    if fn not in _criteria_providers:
        _criteria_providers.append(fn)
    return fn


def register_answer_counter(fn):
    """Register fn(wave, key) -> how many drafts of the wave answered that question."""
    if fn not in _answer_counters:
        _answer_counters.append(fn)
    return fn


def criteria_for(wave):
    """The (code, label) criteria of the wave's grid, from every provider; [] without one."""
    criteria = []
    for provider in _criteria_providers:
        criteria.extend((str(code), str(label)) for code, label in provider(wave))
    return criteria


def answer_count(wave, key):
    """How many drafts answered the question `key` (0 when no counter is registered)."""
    return sum(int(counter(wave, key)) for counter in _answer_counters)
