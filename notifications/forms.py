"""The preferences form: one choice of channel per registered kind."""

from __future__ import annotations

from typing import Any

from django import forms

from notifications.kinds import CHANNEL_LABELS


class PreferencesForm(forms.Form):
    """A field per kind, named by the kind, holding its channel."""

    def __init__(self, *args: Any, preferences: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(CHANNEL_LABELS.items())
        for preference in preferences:
            default = CHANNEL_LABELS[preference["default"]]
            self.fields[preference["kind"]] = forms.ChoiceField(
                label=preference["label"],
                choices=choices,
                initial=preference["channel"],
                help_text=f"Default: {default.lower()}.",
            )
