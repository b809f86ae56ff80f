"""Tests for builder/data/states.json and builder.jurisdictions.

These tests only read files inside the repository. The check that every URL and email address
in states.json appears in the research files is done by hand against the shared research folder
(not available in CI).
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder import jurisdictions
from builder.jurisdictions import (
    get_state,
    load_states,
    validate_states,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "builder" / "data" / "states.json"
SCHEMA = ROOT / "builder" / "data" / "states.schema.json"

FIFTY_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA",
    "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
    "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
    "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
}  # fmt: skip

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return data


# --- the data file ----------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_data_validates_against_schema(raw: dict[str, Any], schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda s: s.update(extra="x"), id="extra-key"),
        pytest.param(lambda s: s.update(code="ca"), id="lowercase-code"),
        pytest.param(lambda s: s["filing_methods"].update(email="yes"), id="bad-method"),
        pytest.param(lambda s: s["notes"][0].update(status="MAYBE"), id="bad-status"),
        pytest.param(lambda s: s.update(complaint_url="ftp://x.example"), id="bad-url"),
        pytest.param(lambda s: s.update(email_address="a@b.gov"), id="email-not-confirmed"),
        pytest.param(
            lambda s: s["filing_methods"].update(mail="unknown"), id="address-unconfirmed"
        ),
        pytest.param(
            lambda s: s["records_deadline"].update(status="SECONDARY"), id="fact-secondary"
        ),
        pytest.param(lambda s: s["meeting_rule"].pop("citation"), id="fact-unsourced"),
        pytest.param(lambda s: s["records_deadline"].update(day_kind="weeks"), id="bad-day-kind"),
    ],
)
def test_schema_rejects_bad_entries(
    raw: dict[str, Any], schema: dict[str, Any], mutate: Any
) -> None:
    california = json.loads(json.dumps(next(s for s in raw["states"] if s["code"] == "CA")))
    mutate(california)
    doc = {"version": 1, "reviewed": raw["reviewed"], "states": [california] * 52}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


def test_codes_cover_states_dc_and_pr(raw: dict[str, Any]) -> None:
    codes = [s["code"] for s in raw["states"]]
    assert len(codes) == 52
    assert len(set(codes)) == 52
    assert set(codes) == FIFTY_STATES | {"DC", "PR"}


def test_urls_are_web_links(raw: dict[str, Any]) -> None:
    urls = [s["complaint_url"] for s in raw["states"] if s["complaint_url"]]
    urls += [n["url"] for s in raw["states"] for n in s["notes"] if n["url"]]
    assert urls
    for url in urls:
        assert re.fullmatch(r"https?://\S+", url), url


def test_email_addresses_only_where_email_confirmed(raw: dict[str, Any]) -> None:
    for s in raw["states"]:
        if s["filing_methods"]["email"] != "confirmed":
            assert s["email_address"] is None, s["code"]
        if s["email_address"] is not None:
            assert EMAIL_RE.fullmatch(s["email_address"]), s["code"]


def test_every_confirmed_method_has_a_sourced_note(raw: dict[str, Any]) -> None:
    for s in raw["states"]:
        methods = s["filing_methods"]
        if "confirmed" in methods.values() or "not_accepted" in methods.values():
            sourced = [n["url"] for n in s["notes"]] + [(s["contact"] or {}).get("url")]
            assert any(sourced), s["code"]


STRUCTURED = ("contact", "model_form", "timeline", "records_deadline", "meeting_rule", "team_name")


def test_every_fact_has_a_source_and_only_confirmed_facts_are_structured(
    raw: dict[str, Any],
) -> None:
    """Each fact names its source (a citation, and its address where there is one); a fact the
    research did not confirm in a primary source is at most a note, marked with its status."""
    for s in raw["states"]:
        facts = [s[name] for name in STRUCTURED if s[name]] + s["parent_centers"]
        for fact in facts:
            assert fact["citation"].strip() and fact["status"] == "CONFIRMED", s["code"]
        for n in s["notes"]:
            assert n["citation"].strip() and n["status"], s["code"]
        if s["typed_signature"]:
            assert s["typed_signature"]["citation"].strip(), s["code"]


def test_no_three_year_lookback_presented_as_current(raw: dict[str, Any]) -> None:
    for s in raw["states"]:
        for n in s["notes"]:
            if "three years" in n["text"]:
                assert "one year" in n["text"], s["code"]


def test_the_letters_quote_only_records_deadlines_shorter_than_federal() -> None:
    quoted = {s.code for s in load_states() if s.records_deadline and s.records_deadline.letter}
    faster = {
        s.code
        for s in load_states()
        if s.records_deadline and s.records_deadline.faster_than_federal
    }
    assert quoted == faster == {"CA", "CT", "IL", "MA", "RI"}


def test_a_meeting_rule_with_a_letter_sentence_has_its_days() -> None:
    for state in load_states():
        rule = state.meeting_rule
        if rule and rule.letter:
            assert rule.days and rule.day_kind, state.code
            assert rule.citation.split()[-1] in rule.letter, "the letter names its rule"


# --- the build checks the data against its schema ---------------------------------------------


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the build checks instead of the package's own data/states.json."""
    monkeypatch.setattr(jurisdictions, "STATES", tmp_path / "states.json")
    return tmp_path / "states.json"


def test_the_build_accepts_the_packaged_data() -> None:
    validate_states()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda state: state.update(nickname="Golden State"),
        lambda state: state.pop("agency"),
        lambda state: state["notes"][0].update(status="PROBABLY"),
        lambda state: state.update(email_address="complaints@example.org"),
        lambda state: state.update(typed_signature={"accepted": True}),
    ],
    ids=["unknown key", "missing key", "bad status", "email not confirmed", "signature unsourced"],
)
def test_the_build_refuses_data_that_breaks_the_schema(
    raw: dict[str, Any], packaged: Path, spoil: Any
) -> None:
    document = copy.deepcopy(raw)
    spoil(next(state for state in document["states"] if state["code"] == "CA"))
    packaged.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(jsonschema.ValidationError):
        validate_states()


def test_the_build_refuses_a_state_listed_twice(raw: dict[str, Any], packaged: Path) -> None:
    document = copy.deepcopy(raw)
    document["states"][1] = copy.deepcopy(document["states"][0])
    document["states"].append(document["states"].pop())  # still 52 entries
    packaged.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        validate_states()


def test_a_typed_signature_counts_only_where_the_state_says_so() -> None:
    california, new_york, texas = (get_state(code) for code in ("CA", "NY", "TX"))
    assert california is not None and california.takes_typed_signature
    assert california.typed_signature is not None
    assert california.typed_signature.citation == "5 CCR 3200(c)"
    assert new_york is not None and not new_york.takes_typed_signature
    assert texas is not None and texas.typed_signature is None


# --- California and Texas -----------------------------------------------------------------


def test_california() -> None:
    ca = get_state("CA")
    assert ca is not None
    assert ca.name == "California"
    assert ca.records_deadline is not None and ca.meeting_rule is not None
    assert (ca.records_deadline.days, ca.records_deadline.day_kind) == (5, "business")
    assert ca.records_deadline.citation == "Cal. Ed. Code 56504"
    assert (ca.meeting_rule.days, ca.meeting_rule.day_kind) == (30, "unspecified")
    assert ca.meeting_rule.citation == "Cal. Ed. Code 56343.5"
    assert ca.filing_methods.mail == "confirmed"
    assert ca.filing_methods.fax == "confirmed"
    assert ca.filing_methods.email == "unknown"
    assert not ca.accepts_email
    assert ca.email_address is None
    assert ca.complaint_url == "https://www.cde.ca.gov/sp/se/qa/cmplntproc.asp"
    assert ca.filing_methods_text() == ["by mail", "by fax"]
    assert ca.contact is not None
    assert (
        ca.contact.mail
        and "1430 N Street, Suite 2401, Sacramento, CA 95814-5901" in ca.contact.mail
    )
    assert ca.contact.fax == "916-327-3704"
    text = (
        " ".join(n.text for n in ca.notes) + ca.meeting_rule.text + (ca.meeting_rule.letter or "")
    )
    assert "school days" not in text  # the statute says "30 days", with its own carve-out
    assert "calendar days" not in text
    psrs_phone = [n for n in ca.notes if "926-0648" in n.text]
    assert psrs_phone and all(n.status == "SECONDARY" for n in psrs_phone)


def test_texas_takes_email_at_one_address_and_calls_the_team_the_ard_committee() -> None:
    """TEA's current complaints page and 19 TAC 89.1195(c): email, mail, fax, hand delivery;
    the 2014 page that refused email is out of date."""
    tx = get_state("tx")
    assert tx is not None
    assert tx.accepts_email and tx.email_address == "spedcomplaints@tea.texas.gov"
    assert tx.filing_methods.not_accepted() == ()
    assert set(tx.filing_methods.confirmed()) == {"mail", "fax", "email", "online", "hand_delivery"}
    refusal = [n for n in tx.notes if "could not accept" in n.text]
    assert refusal and "out of date" in refusal[0].text
    assert tx.team_name is not None and tx.team_name.letter_a == "an ARD committee (IEP team)"
    assert tx.team_name.citation == "19 TAC 89.1050(a)"
    assert tx.meeting_rule is not None and (tx.meeting_rule.days, tx.meeting_rule.day_kind) == (
        5,
        "school",
    )


def test_new_york_methods_rest_only_on_a_secondary_copy() -> None:
    """New York's "faxed or e-mail signatures will not be accepted" comes from third-party copies
    of an old sample form and speaks of signatures: a secondary note, not a refused method."""
    ny = get_state("NY")
    assert ny is not None
    assert ny.filing_methods.not_accepted() == ()
    assert ny.filing_methods_text() == []
    notes = [n for n in ny.notes if "signatures will not be accepted" in n.text]
    assert notes and all(n.status == "SECONDARY" for n in notes)


def test_montana_early_assistance_days_are_not_counted_in_the_60() -> None:
    mt = get_state("MT")
    assert mt is not None and mt.timeline is not None
    assert mt.timeline.citation.startswith("ARM 10.16.3660(3)")
    assert "not be counted as part of the 60-day" in mt.timeline.text


def test_complaint_names() -> None:
    expected = {
        "MO": "Child Complaint",
        "WA": "Special Education Community Complaint",
        "TN": "Administrative Complaint",
        "VT": "Administrative Complaint",
        "AK": "Administrative Complaint",
        "CA": "State complaint",
    }
    for code, name in expected.items():
        state = get_state(code)
        assert state is not None
        assert state.complaint_name == name


# --- the Python API -------------------------------------------------------------------------


def test_load_states_keeps_the_file_s_order_and_reads_it_once(raw: dict[str, Any]) -> None:
    states = load_states()
    assert [s.code for s in states] == [s["code"] for s in raw["states"]]
    assert load_states() is states  # cached
    assert jurisdictions.reviewed_date() == raw["reviewed"]


@pytest.mark.parametrize("code", ["CA", "ca", "Ca", " ca ", "dc", "PR", "pr"])
def test_get_state_is_case_insensitive(code: str) -> None:
    state = get_state(code)
    assert state is not None
    assert state.code == code.strip().upper()


@pytest.mark.parametrize("code", ["", "C", "CAL", "XX", "California", "US"])
def test_get_state_unknown(code: str) -> None:
    assert get_state(code) is None


@given(st.text(max_size=5))
def test_get_state_matches_codes(code: str) -> None:
    codes = {s.code for s in load_states()}
    state = get_state(code)
    if code.strip().upper() in codes:
        assert state is not None and state.code == code.strip().upper()
    else:
        assert state is None


def test_filing_methods_text_only_lists_confirmed_methods() -> None:
    for state in load_states():
        phrases = state.filing_methods_text()
        assert len(phrases) == len(state.filing_methods.confirmed())
        joined = " ".join(phrases).lower()
        if not state.accepts_email:
            assert "email" not in joined, state.code
            assert "@" not in joined, state.code
        if state.email_address:
            assert f"by email to {state.email_address}" in phrases
        if state.filing_methods.online != "confirmed":
            assert "online" not in joined, state.code


def test_accepts_email_matches_data() -> None:
    accepting = {s.code for s in load_states() if s.accepts_email}
    assert accepting == {s.code for s in load_states() if s.filing_methods.email == "confirmed"}
    assert "CA" not in accepting
    assert "TX" in accepting
    assert "IL" in accepting
    il = get_state("IL")
    assert il is not None
    assert il.filing_methods_text() == [
        "by mail",
        "by fax",
        "by email to statecomplaints@isbe.net",
    ]


def test_how_a_state_takes_complaints_is_said_in_the_readers_language() -> None:
    il, tx = get_state("IL"), get_state("TX")
    assert il is not None and tx is not None
    assert il.filing_methods_text("es") == [
        "por correo postal",
        "por fax",
        "por correo electrónico a statecomplaints@isbe.net",
    ]
    assert tx.filing_methods_text("es")[-1] == "entregándola en persona"
    for state in load_states():
        assert len(state.filing_methods_text("es")) == len(state.filing_methods.confirmed())
        assert not {"by", "mail"} & set(" ".join(state.filing_methods_text("es")).split())


def test_module_is_pure() -> None:
    source = Path(jurisdictions.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"mkdocs", "js", "pyscript", "pyodide"}
    assert "open(" not in source
