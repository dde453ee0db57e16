"""Seeded randomness and the fixed calendar of the synthetic cache.

Every random choice comes from :func:`rng_for`, a ``random.Random`` seeded with
the run's seed plus a label. Seeding by label (not by drawing from one shared
stream) keeps each part independent: adding a spreadsheet does not change the
photos, and a worker process renders the same picture as the parent would.
String seeds go through SHA-512 inside ``random``, so they do not depend on
``PYTHONHASHSEED``.
"""

from __future__ import annotations

import datetime as dt
import random

# Nothing in the real cache is dated after the end of 2018 (a 2019 encryption directive).
HORIZON = dt.date(2018, 12, 31)
# The detainee photos were taken between January and July 2018.
PHOTO_FIRST = dt.datetime(2018, 1, 2, 8, 0, 0)
PHOTO_LAST = dt.datetime(2018, 7, 31, 19, 0, 0)
# Detentions in the synthetic lists fall in this span.
DETENTION_FIRST = dt.date(2017, 3, 1)
DETENTION_LAST = dt.date(2018, 7, 31)


def rng_for(seed: int, *labels: object) -> random.Random:
    """A random stream for one purpose, fixed by the run's seed and the labels."""
    return random.Random("unsealed-synth:" + str(seed) + ":" + ":".join(str(x) for x in labels))


def random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A uniformly random day between first and last, both included."""
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def random_datetime(rng: random.Random, first: dt.datetime, last: dt.datetime) -> dt.datetime:
    """A random second between first and last, kept within office hours (08:00-19:59)."""
    day = random_date(rng, first.date(), last.date())
    when = dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.randint(0, 59), rng.randint(0, 59)))
    return min(max(when, first), last)


def office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A random working-hours moment on a given day."""
    return dt.datetime.combine(day, dt.time(rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59)))


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years between birth and day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def scaled(people: int, per: int, minimum: int) -> int:
    """How many of something to plant: one per ``per`` people, at least ``minimum``."""
    return max(minimum, people // per)
