"""Form helpers shared by the pages."""

import pytest
from django import forms

from core.forms import choice_field


class _PickForm(forms.Form):
    pick = forms.ChoiceField()
    note = forms.CharField()


def test_choice_field_sets_choices_on_this_form_only():
    form = _PickForm()

    choice_field(form, "pick").choices = [("a", "A")]

    assert choice_field(form, "pick").choices == [("a", "A")]
    assert choice_field(_PickForm(), "pick").choices == []


def test_choice_field_refuses_a_field_without_choices():
    with pytest.raises(TypeError, match=r"_PickForm\.note is not a choice field"):
        choice_field(_PickForm(), "note")
