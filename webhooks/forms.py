from django import forms

from webhooks.addresses import AddressRefusedError, check_url_form
from webhooks.events import WebhookEvent


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where Charter POSTs the signed JSON; https:// only.",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this URL.",
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            check_url_form(url)
        except AddressRefusedError as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url
