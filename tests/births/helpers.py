"""Request bodies for birth registration (contract.md, ``POST /api/v1/births``)."""

from datetime import timedelta

from sdp import clock

TODAY = clock.today()


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def child(
    given="Sofía", family="Mendoza Rivas", born=None, country="PE", locality="Lima", sex="F"
) -> dict:
    return {
        "given_names": given,
        "family_names": family,
        "sex": sex,
        "date_of_birth": born or days_ago(10),
        "place_of_birth": {"country": country, "locality": locality},
    }


def parent(
    given="Daniela",
    family="Rivas Colmenares",
    born="1993-06-18",
    nationality="VE",
    asylum=None,
    **extra,
) -> dict:
    data = {
        "given_names": given,
        "family_names": family,
        "date_of_birth": born,
        "place_of_birth": {"country": "VE", "locality": "Barquisimeto"},
    }
    if nationality is not None:
        data["nationality"] = nationality
    if asylum:
        data["asylum"] = {"status": asylum, "country": "VE"}
    data.update(extra)
    return data


def birth(**overrides) -> dict:
    body = {"child": child(), "mother": parent(asylum="refugee")}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}
