"""The reader of published statistics, as an adversary: an exhaustive search, independent of
sdp.domain.disclosure, for a second table consistent with everything published."""

from sdp.domain.disclosure import SMALL


def reader_can_find_another_value(entries, relations, shown, key, bound) -> bool:
    """Is there an integer table, consistent with everything published, where ``key`` differs
    from its true value? Branch and bound, independent of the module's own checks."""
    unknown = [k for k, v in shown.items() if not isinstance(v, int)]
    low = {k: (1 if shown[k] == SMALL else 5) for k in unknown}
    high = {k: (4 if shown[k] == SMALL else bound) for k in unknown}
    equations = []
    for relation in relations:
        terms = [(relation.total, -1)] + [(part, 1) for part in relation.parts]
        coefficients = {}
        constant = 0
        for k, sign in terms:
            if k in low:
                coefficients[k] = coefficients.get(k, 0) + sign
            else:
                constant -= sign * shown[k]
        if coefficients:
            equations.append((coefficients, constant))
        elif constant != 0:
            raise AssertionError("published figures contradict each other")

    def feasible(low, high) -> bool:
        low, high = dict(low), dict(high)
        for _ in range(1000):  # tighten until nothing moves
            moved = False
            for coefficients, constant in equations:
                for k, a in coefficients.items():
                    rest_min = sum(
                        min(b * low[j], b * high[j]) for j, b in coefficients.items() if j != k
                    )
                    rest_max = sum(
                        max(b * low[j], b * high[j]) for j, b in coefficients.items() if j != k
                    )
                    lo, hi = (
                        (constant - rest_max, constant - rest_min)
                        if a > 0
                        else (rest_min - constant, rest_max - constant)
                    )
                    if lo > low[k]:
                        low[k], moved = lo, True
                    if hi < high[k]:
                        high[k], moved = hi, True
                    if low[k] > high[k]:
                        return False
            if not moved:
                break
        open_ = [k for k in low if low[k] < high[k]]
        if not open_:
            return all(
                sum(a * low[k] for k, a in c.items()) == constant for c, constant in equations
            )
        k = min(open_, key=lambda j: high[j] - low[j])
        middle = (low[k] + high[k]) // 2
        return feasible(low, {**high, k: middle}) or feasible({**low, k: middle + 1}, high)

    true = entries[key]
    return (true > low[key] and feasible(low, {**high, key: true - 1})) or (
        true < high[key] and feasible({**low, key: true + 1}, high)
    )
