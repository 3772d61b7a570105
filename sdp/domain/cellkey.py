"""Consistent perturbation of published counts by a cell key: the Australian Bureau of
Statistics' cell-key method (the one its TableBuilder applies to tables users define).

Why: rounding small counts to ``"<5"`` and withholding complements protects one table, but two
periods can be subtracted. The attack of issue 15: appeals by outcome for 2026-01-01..11-30 said
``<5``, for 01-01..12-05 said 7, for 12-01..12-05 said 6, so exactly one appeal, whose row showed
its outcome. A reader can choose any period, so no fixed set of suppressions can foresee every
difference; instead every published count carries a little noise, and the noise is a function of
*which records* make up the count:

1. every record (an application, a decision, an appeal...) has a **record key**, a pseudo-random
   number from 0 to ``MODULUS - 1`` computed from its id and a secret (in SQL, by
   ``sdp.review.queries``; never stored, never published);
2. a cell's **cell key** is the sum of the record keys of the records it counts, modulo
   ``MODULUS``: the same records give the same key, in any table, period or query;
3. the published value is the count plus the **noise** the cell key picks from a fixed table
   (``NOISE``: -2 to +2, most often 0), never below ``THRESHOLD`` for a count of at least
   ``THRESHOLD``; zero stays zero, and a count from 1 to 4 is still ``"<5"``.

So the same cell always shows the same figure (asking again reveals nothing new), and the
difference of two periods is the true difference plus two independent noises: the 7 and the 6
above differ by 1 + (e1 - e2), anything from -3 to 5, and no count from 1 to 4 can be told
apart from 0 or 5. Figures are approximate (±2); tables need not add up exactly.

References: Fraser, B. and Wooton, J. (2005), "A proposed method for confidentialising tabular
output to protect against differencing", UNECE/Eurostat Work Session on Statistical Data
Confidentiality, Geneva; Australian Bureau of Statistics, "TableBuilder: perturbation"
(abs.gov.au, TableBuilder user guide, "Confidentiality and relative standard error").

Pure Python: no Flask or SQLAlchemy.
"""

import hashlib
import hmac
from collections.abc import Iterable

THRESHOLD = 5
# A prime below 2**31: a record key times a record key stays below 2**62, so the keyed hash in
# SQL never overflows a 64-bit integer on SQLite or PostgreSQL.
MODULUS = 2_147_483_647

# The perturbation table: (noise, share of cell keys). Symmetric, so the noise has mean zero
# before the floor at THRESHOLD; a cell key's position in [0, MODULUS) picks its noise.
NOISE: tuple[tuple[int, float], ...] = ((-2, 0.1), (-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.1))
MAX_NOISE = max(abs(noise) for noise, _share in NOISE)


def key_parameters(secret: bytes, kind: str) -> tuple[int, int, int]:
    """The three multipliers of the record keys of one kind of record (``applications``,
    ``decisions``...), derived from the app's secret: another kind, or another installation,
    gets unrelated keys."""
    digest = hmac.new(secret, b"sdp cell key: " + kind.encode(), hashlib.sha256).digest()
    a, b, c = (int.from_bytes(digest[i : i + 8], "big") % (MODULUS - 1) + 1 for i in (0, 8, 16))
    return a, b, c


def record_key(record_id: int, parameters: tuple[int, int, int]) -> int:
    """The record key, as ``sdp.review.queries.record_key`` computes it in SQL (for tests)."""
    a, b, c = parameters
    k = (record_id * a + b) % MODULUS
    return ((k * k) % MODULUS * c + k) % MODULUS


def cell_key(record_keys_sum: int) -> int:
    return int(record_keys_sum) % MODULUS


def combined(cell_keys: Iterable[int]) -> int:
    """The cell key of a total: its records are those of its parts."""
    return sum(cell_keys) % MODULUS


def noise(key: int) -> int:
    position, bound = key / MODULUS, 0.0
    for value, share in NOISE:
        bound += share
        if position < bound:
            return value
    return NOISE[-1][0]


def perturb(count: int, key: int) -> int:
    """The published value of a count of at least THRESHOLD (smaller counts are ``"<5"`` or 0)."""
    if count < THRESHOLD:
        return count
    return max(THRESHOLD, count + noise(key))


def possible_counts(published: int | str, small: str = "<5") -> range:
    """What a reader who knows this method can tell of the true count behind a published value:
    the tests play this reader."""
    if published == small:
        return range(1, THRESHOLD)
    if not isinstance(published, int):
        raise ValueError(f"not a published count: {published!r}")
    if published == 0:
        return range(0, 1)
    if published == THRESHOLD:  # the floor: any count whose noise would have taken it lower
        return range(THRESHOLD, THRESHOLD + MAX_NOISE + 1)
    return range(max(THRESHOLD, published - MAX_NOISE), published + MAX_NOISE + 1)
