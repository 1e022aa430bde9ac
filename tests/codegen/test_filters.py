"""The Jinja filters: ``docstring`` and ``pyrepr``, the only ways document text reaches code."""

from __future__ import annotations

import ast
import inspect
import io
import tokenize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.render import DOC_WIDTH, FILTERS, docstring, pyrepr


def literal_value(literal: str) -> str:
    """The value of ``literal``, which must be exactly one string token."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(literal).readline)
        if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)
    ]
    assert [t.type for t in tokens] == [tokenize.STRING], literal
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    return value


def undent(value: str, indent: int) -> list[str]:
    """The lines of a docstring value without the indentation the filter added."""
    first, *rest = value.split("\n")
    pad = " " * indent
    assert all(line.startswith(pad) or not line for line in rest), value
    return [first, *(line[indent:] for line in rest)]


def test_filters_are_registered_in_one_place() -> None:
    assert FILTERS == {"docstring": docstring, "pyrepr": pyrepr}


# -- docstring -------------------------------------------------------------------------


def test_docstring_of_one_short_line() -> None:
    assert docstring("Generates a response.") == '"""Generates a response."""'


def test_docstring_of_empty_text_is_an_empty_literal() -> None:
    assert literal_value(docstring("")) == ""


def test_docstring_of_whitespace_only_text_is_an_empty_literal() -> None:
    assert literal_value(docstring("  \n\t \n")) == ""


def test_docstring_puts_the_closing_quotes_of_several_lines_on_their_own_line() -> None:
    assert docstring("First.\n\nSecond.", indent=8) == '"""First.\n\n        Second.\n        """'


@pytest.mark.parametrize(
    "text",
    [
        r"A Windows path C:\new\table and a regex \d+\s*",
        "Ends with a backslash \\",
        "\\",
        'Contains """triple quotes""" inside.',
        'Contains four """" quotes.',
        'He said "hi"',
        '"',
        "'single' and '''triple single''' quotes",
        "Unicode: ✓ ñ 😀 and \t a tab.",
    ],
)
def test_docstring_value_equals_the_text(text: str) -> None:
    assert literal_value(docstring(text)) == text


@pytest.mark.parametrize("text", ['ends with triple quotes """', 'x"""', '""""""'])
def test_docstring_of_text_ending_in_triple_quotes_is_a_valid_literal(text: str) -> None:
    assert literal_value(docstring(text)) == text


def test_docstring_of_several_lines_ending_in_triple_quotes_keeps_the_value() -> None:
    text = 'First line.\nSecond line ends with """'
    assert inspect.cleandoc(literal_value(docstring(text))) == text


def test_docstring_value_of_several_short_lines_equals_the_text_after_dedent() -> None:
    text = "Summary.\n\n  Indented example:\n    code()\nEnd."
    assert inspect.cleandoc(literal_value(docstring(text, indent=4))) == text


def test_docstring_normalises_carriage_returns() -> None:
    assert inspect.cleandoc(literal_value(docstring("a\r\nb\rc"))) == "a\nb\nc"


def test_docstring_with_a_nul_character_is_a_valid_literal() -> None:
    # Python source cannot contain NUL; it must arrive escaped.
    assert literal_value(docstring("before\x00after")) == "before\x00after"


def test_docstring_wraps_long_lines_at_the_doc_width() -> None:
    text = " ".join(f"word{i}" for i in range(60))
    value = literal_value(docstring(text, indent=4))
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    assert len(lines) > 1
    assert all(len(line) <= DOC_WIDTH for line in lines)
    assert " ".join(lines) == text


def test_docstring_never_breaks_a_long_word() -> None:
    url = "https://example.invalid/" + "a" * 120
    value = literal_value(docstring(f"See {url} for details."))
    assert url in value.split()


def test_docstring_keeps_the_breaks_of_short_markdown_list_lines() -> None:
    text = "Allowed values:\n* `TEXT`: plain text.\n* `IMAGE`: an image.\n- dash item\n1. numbered"
    value = inspect.cleandoc(literal_value(docstring(text)))
    assert value.splitlines() == text.splitlines()


def test_docstring_wraps_a_long_list_item_under_its_own_indent() -> None:
    text = "Items:\n  * " + " ".join(["long"] * 40)
    lines = undent(literal_value(docstring(text, indent=4)), 4)
    assert lines[0] == "Items:"
    assert lines[1].startswith("  * long")
    assert len(lines) > 3
    assert all(line.startswith("  long") for line in lines[2:-1])
    assert lines[-1] == ""


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from([0, 4, 8]))
def test_docstring_is_always_a_valid_literal_with_the_same_words(text: str, indent: int) -> None:
    value = literal_value(docstring(text, indent))
    assert value.split() == text.split()


# -- pyrepr ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        'quotes \' and " and """',
        "back\\slash and \n newline",
        "unicode ✓",
        "",
        0,
        -7,
        2**64,
        1.5,
        True,
        False,
        None,
        (),
        ("one",),
        ("a", 1, None, True),
        (("nested", 1), ()),
    ],
)
def test_pyrepr_evaluates_back_to_the_value(value: object) -> None:
    text = pyrepr(value)
    result = ast.literal_eval(text)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", "'x'"),
        (3, "3"),
        (True, "True"),
        (None, "None"),
        (("*/*",), "('*/*',)"),
        (("a", "b"), "('a', 'b')"),
    ],
)
def test_pyrepr_text(value: object, expected: str) -> None:
    assert pyrepr(value) == expected


@pytest.mark.parametrize("value", [{"a": 1}, ["a"], {"a"}, b"bytes", object()])
def test_pyrepr_rejects_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        pyrepr(value)


def test_pyrepr_rejects_a_tuple_holding_a_dict() -> None:
    with pytest.raises(TypeError):
        pyrepr(("ok", {"a": 1}))


def test_docstring_can_keep_its_last_line_whole():
    long_last = "Discovery: " + "x" * 100 + " (POST v1beta/{+name}:verb)"
    kept = docstring("Intro.\n\n" + long_last, 8, False)
    assert long_last in kept
    wrapped = docstring("Intro.\n\n" + long_last, 8)
    assert long_last not in wrapped
