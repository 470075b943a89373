from django import forms

from accounts.models import Organization
from core.timezones import time_zone_choices
from projects.models import Project
from reports.models import FORMATS, Cadence


class ReportScheduleForm(forms.Form):
    cadence = forms.ChoiceField(choices=Cadence.choices)
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        empty_label="The whole organisation",
        help_text="A report of one project, or of every project of the organisation.",
    )
    formats = forms.MultipleChoiceField(
        choices=[(value, value.upper()) for value in FORMATS],
        initial=list(FORMATS),
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Where the organisation's weeks and months begin and end.",
    )

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared just above)
        field.queryset = Project.objects.filter(organization=organization).order_by("name")
