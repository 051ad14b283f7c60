"""The OPERATOR's token lifetime: how expires_in is read and how early a token is renewed."""

import pytest

from service.igpx.token import BadTokenAnswerError, Token, lifetime_seconds, renew_margin


@pytest.mark.parametrize(
    ("sent", "seconds"), [("3600", 3600.0), (3600, 3600.0), (" 90.5 ", 90.5), (1.5, 1.5)]
)
def test_expires_in_is_read_as_seconds_whether_text_or_number(sent: object, seconds: float) -> None:
    assert lifetime_seconds(sent) == seconds


@pytest.mark.parametrize(
    "sent", ["", "soon", "1e400", "nan", "-5", 0, -1, True, None, [60], {"s": 1}]
)
def test_expires_in_that_is_not_a_positive_number_is_a_bad_answer(sent: object) -> None:
    with pytest.raises(BadTokenAnswerError):
        lifetime_seconds(sent)


def test_a_long_token_is_renewed_thirty_seconds_before_expiry() -> None:
    assert renew_margin(3600) == 30


def test_a_short_token_is_renewed_when_a_tenth_of_its_life_is_left() -> None:
    assert renew_margin(10) == 1


def test_a_token_is_usable_until_its_renewal_moment() -> None:
    token = Token.from_answer({"token": "t", "expires_in": "100"}, now=1000.0)
    assert token.usable(1089.9)
    assert not token.usable(1090.0)


@pytest.mark.parametrize(
    "answer", [None, [], {}, {"token": "", "expires_in": 60}, {"token": 5, "expires_in": 60}]
)
def test_an_auth_answer_without_a_token_is_a_bad_answer(answer: object) -> None:
    with pytest.raises(BadTokenAnswerError):
        Token.from_answer(answer, now=0.0)


def test_a_bad_answer_never_repeats_the_token() -> None:
    with pytest.raises(BadTokenAnswerError) as raised:
        Token.from_answer({"token": "sekrit-token-value", "expires_in": "never"}, now=0.0)
    assert "sekrit" not in str(raised.value)


def test_the_token_never_shows_in_a_repr() -> None:
    token = Token.from_answer({"token": "sekrit-token-value", "expires_in": 60}, now=0.0)
    assert "sekrit" not in repr(token)
