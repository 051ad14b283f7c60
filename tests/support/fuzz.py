"""Hypothesis strategies for hostile OPERATOR deliveries: raw bodies, headers and encodings."""

import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import strategies as st

from tests.support.callbacks import CALLBACK_PATH, SECRET, sign

ROUTES = (f"{CALLBACK_PATH}/transaction", f"{CALLBACK_PATH}/transaction-rollback")
REFUSALS = {"INVALID_SIGNATURE", "INVALID_REQUEST", "INVALID_AMOUNT", "UNSUPPORTED_CURRENCY"}
DECLINES = {"INSUFFICIENT_FUNDS", "PLAYER_BLOCKED", "TRANSACTION_ROLLED_BACK", "INTERNAL_ERROR"}
CODES = REFUSALS | DECLINES
# Decimal's 28 digits: from 27 integer digits on, quantizing a 2-place amount raises
# decimal.InvalidOperation (a 500 today). Kept out of the fuzz and pinned by
# test_an_amount_with_27_integer_digits_is_invalid_amount_not_a_500.
SAFE_INTEGER_DIGITS = 26


@dataclass
class Delivery:
    """One POST as sent: route, raw bytes, headers; whether it could ever move money."""

    route: str
    body: bytes
    headers: dict[str, str]
    may_apply: bool
    why: str
    user: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def signed(body: bytes) -> dict[str, str]:
    return {"X-Security-Hash": sign(body)}


def raw_object(pairs: list[tuple[str, str]]) -> bytes:
    """A JSON object from (key, raw JSON value text) pairs, duplicates and all."""
    text = "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in pairs) + "}"
    return text.encode("utf-8", "surrogatepass")


def callback_fields(action: str, user: str) -> dict[str, str]:
    tid = f"fz-{uuid.uuid4().hex[:12]}"
    fields = {"transaction_id": tid, "action": action, "user_id": user}
    fields |= {"currency": "USD", "amount": "1.00"}
    if action == "rollback":
        fields["rollback_transaction_id"] = f"fz-{uuid.uuid4().hex[:12]}"
    return fields


def route_for(action: str) -> str:
    return ROUTES[1] if action == "rollback" else ROUTES[0]


weird_ids = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=200).map(
    lambda t: f"fz-{uuid.uuid4().hex[:8]}-{t}"
)
actions = st.sampled_from(("bet", "result", "rollback"))
deep = st.integers(min_value=100, max_value=30000).flatmap(
    lambda n: st.sampled_from(("[" * n + "]" * n, '{"a":' * n + "1" + "}" * n))
)
lone_surrogates = st.sampled_from(("\ud800", "\udfff", "a\udc80b")).map(json.dumps)
wrong_types = st.one_of(
    st.sampled_from(("null", "true", "false", "[]", "{}", '["1.00"]', '{"v":"1.00"}')),
    deep,
)
ints = st.integers(min_value=-(10**60), max_value=10**60).map(str)
floats = st.floats(allow_nan=False, allow_infinity=False).map(repr)
bad_texts = st.one_of(
    st.just('""'),
    st.text(min_size=257, max_size=600).map(json.dumps),
    lone_surrogates,
)
bad_amount_texts = st.one_of(
    st.sampled_from(
        ("1e3", "1E-2", "0x10", "1,00", " 1.00", "1.00 ", "+-1", "1..0", ".5", "5.", "", "-1.00")
    ),
    st.sampled_from(("NaN", "Infinity", "-Infinity", "nan", "inf", "١٢٣", "1.001", "0.0001")),
    st.integers(min_value=16, max_value=SAFE_INTEGER_DIGITS).map(lambda n: "9" * n),
    st.integers(min_value=41, max_value=400).map(lambda n: "1" * n),
    st.integers(min_value=3, max_value=60).map(lambda n: "0." + "0" * (n - 1) + "1"),
)


@st.composite
def garbage(draw: st.DrawFn, user: str) -> Delivery:
    """Arbitrary bytes, correctly signed."""
    body = draw(st.binary(max_size=2048))
    return Delivery(draw(st.sampled_from(ROUTES)), body, signed(body), False, "garbage", user)


@st.composite
def broken_field(draw: st.DrawFn, user: str) -> Delivery:
    """A well-signed callback with one field wrong, missing or duplicated."""
    action = draw(actions)
    fields = callback_fields(action, user)
    pairs = [(k, json.dumps(v)) for k, v in fields.items()]
    name = draw(st.sampled_from(sorted(fields)))
    index = [k for k, _ in pairs].index(name)
    how = draw(st.sampled_from(("type", "text", "missing", "duplicate")))
    if how == "missing":
        del pairs[index]
    elif how == "duplicate":
        bad = draw(wrong_types)
        pairs[index] = (name, bad)
        pairs.insert(draw(st.integers(0, len(pairs))), (name, draw(wrong_types)))
    elif name == "amount":
        pairs[index] = (name, draw(st.one_of(wrong_types, bad_amount_texts.map(json.dumps))))
    else:
        pairs[index] = (name, draw(st.one_of(wrong_types, bad_texts)))
    if name == "action" and how == "text":
        pairs[index] = (name, json.dumps(draw(st.sampled_from(("win", "BET", "bet ", "")))))
    body = raw_object(pairs)
    return Delivery(route_for(action), body, signed(body), False, f"{how} {name}", user)


@st.composite
def raw_number_amount(draw: st.DrawFn, user: str) -> Delivery:
    """The amount as a JSON number: many digits, exponents, signs; applied only if exact."""
    action = draw(actions)
    fields = callback_fields(action, user)
    text = draw(
        st.one_of(
            ints.filter(lambda t: len(t.lstrip("-")) <= SAFE_INTEGER_DIGITS),
            floats,
            st.integers(0, 40).map(lambda n: "1." + "0" * n),
            st.integers(1, 40).map(lambda n: "0" * n + "2.5"),
            st.sampled_from(("1e2", "1E+2", "-0", "-0.0", "0.10", "NaN", "Infinity", "-1")),
        )
    )
    pairs = [(k, text if k == "amount" else json.dumps(v)) for k, v in fields.items()]
    body = raw_object(pairs)
    fields["amount"] = text
    return Delivery(
        route_for(action), body, signed(body), True, f"number {text[:20]}", user, fields
    )


@st.composite
def bad_signature(draw: st.DrawFn, user: str) -> Delivery:
    """A valid callback whose signature header is wrong in one of many ways."""
    action = draw(actions)
    body = raw_object([(k, json.dumps(v)) for k, v in callback_fields(action, user).items()])
    good = sign(body)
    headers = draw(
        st.sampled_from(
            (
                {},
                {"X-Security-Hash": ""},
                {"X-Security-Hash": good[:-1]},
                {"X-Security-Hash": good + "0"},
                {"X-Security-Hash": "sha256=" + good},
                {"X-Security-Hash": sign(body + b" ")},
                {"X-Security-Hash": sign(body, SECRET + "x")},
                {"X-Security-Hash": sign(body, "")},
                {"X-Security-Hash": "g" * 64},
                {"X-Security-Hash": "0" * 64, "X-Securty-Hash": good},
                {"X-Security": good},
                {"X-Security-Hash": good.encode().hex()[:64]},
                {"X-Security-Hash": "é" * 64},
            )
        )
    )
    return Delivery(route_for(action), body, headers, False, f"signature {headers}", user)


@st.composite
def weird_but_valid(draw: st.DrawFn, user: str) -> Delivery:
    """A valid result in unusual clothes: encodings, key order, spacing, extra fields."""
    fields = callback_fields("result", user)
    fields["transaction_id"] = draw(weird_ids)
    fields["amount"] = draw(st.sampled_from(("2.50", "2.5", "002.50", "2.500000000", "0")))
    extra = draw(st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=3))
    merged = {**{k: v for k, v in extra.items() if k not in fields}, **fields}
    keys = draw(st.permutations(sorted(merged)))
    obj = {k: merged[k] for k in keys}
    ascii_only = draw(st.booleans())
    text = json.dumps(obj, ensure_ascii=ascii_only, indent=draw(st.sampled_from((None, 0, 2))))
    codec = draw(st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32")))
    body = text.encode(codec, "surrogatepass")
    return Delivery(ROUTES[0], body, signed(body), True, f"encoded {codec}", user, fields)


def deliveries(user: str) -> st.SearchStrategy[Delivery]:
    return st.one_of(
        garbage(user),
        broken_field(user),
        raw_number_amount(user),
        bad_signature(user),
        weird_but_valid(user),
    )


def expected_delta(delivery: Delivery) -> Decimal:
    """The balance change a delivery that applied must have made (a rollback of an id
    never seen moves nothing)."""
    amount = Decimal(delivery.fields["amount"])
    return {"bet": -amount, "result": amount}.get(delivery.fields["action"], Decimal(0))
