from sdp.domain.confidentiality import AsylumClaim, may_contact, protected_countries
from sdp.domain.names import name_key, similar_names
from sdp.domain.vocabulary import AsylumStatus


def test_the_state_of_an_asylum_claim_may_not_be_contacted():
    claims = [AsylumClaim(AsylumStatus.REFUGEE, "VE"), AsylumClaim(AsylumStatus.NONE, None)]
    assert not may_contact("VE", claims)
    assert not may_contact("ve", claims)
    assert may_contact("CO", claims)


def test_a_dependants_claim_protects_the_whole_case():
    claims = [AsylumClaim(AsylumStatus.NONE, None), AsylumClaim(AsylumStatus.ASYLUM_SEEKER, "SY")]
    assert protected_countries(claims) == {"SY"}


def test_no_claim_no_restriction():
    assert may_contact("VE", [AsylumClaim(AsylumStatus.NONE, "VE")])


def test_name_keys_ignore_accents_case_and_spaces():
    assert name_key("  José   MARÍA ") == name_key("jose maria") == "jose maria"
    assert name_key("Núñez-Ñique") == "nunez nique"


def test_similar_names_tolerate_a_missing_or_transposed_surname():
    assert similar_names("María José", "Pérez Gómez", "Maria", "Perez")
    assert similar_names("María", "Gómez Pérez", "maria jose", "perez gomez")
    assert not similar_names("María", "Pérez", "Mario", "Pérez")
    assert not similar_names("María", "Pérez", "María", "López")
