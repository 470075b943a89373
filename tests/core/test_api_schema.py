"""The names of the published schema's components: an output shape is called after what it
shows (`Project`, `UserSummary`), never after the serializer class (`…Output`)."""

from drf_spectacular.generators import SchemaGenerator


def test_no_component_is_named_after_its_serializer_class():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set(schema["components"]["schemas"])

    assert "UserSummary" in names
    assert sorted(name for name in names if name.endswith("Output")) == []
