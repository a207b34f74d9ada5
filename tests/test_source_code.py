"""helpers/source_code.py: a lesson shows the code its helper module holds."""

import ast

import pytest

from helpers import source_code
from helpers.lessons import text_generation


def test_the_source_is_the_real_complete_code():
    source = source_code.source_of(text_generation.CharModel, text_generation.build_char_model)
    assert "class CharModel(keras.Model)" in source and "def build_char_model" in source
    ast.parse(source)


def test_show_displays_it_as_python(monkeypatch):
    shown = []
    monkeypatch.setattr(source_code, "display", shown.append)
    source_code.show(text_generation.build_char_model)
    (markdown,) = shown
    assert markdown.data.startswith("```python\ndef build_char_model")


@pytest.mark.parametrize(
    "objects, expected",
    [((), "at least one"), ((3,), "functions or classes"), (("build",), "the function itself")],
)
def test_anything_but_functions_or_classes_is_refused(objects, expected):
    with pytest.raises(ValueError, match=expected):
        source_code.source_of(*objects)
