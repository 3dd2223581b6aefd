"""Serialising GeoReport v2 documents as XML (element names exactly as the specification) or JSON."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

# A list under one of these element names is written as repeated child elements of this name.
XML_ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "service_request_updates": "request_update",
}

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element, value):
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item_name = XML_ITEM_NAMES[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root_name, value):
    root = ElementTree.Element(root_name)
    _fill(root, value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(fmt, root_name, value, *, status=200, headers=None):
    """`value` (a list, or a dict for discovery and service definitions) as XML under `root_name`, or JSON."""
    if fmt == "xml":
        body = to_xml(root_name, value)
    else:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, header in (headers or {}).items():
        response[name] = header
    return response


def respond_error(fmt, error):
    errors = [{"code": error.status, "description": description} for description in error.descriptions]
    return respond(fmt, "errors", errors, status=error.status, headers=error.headers)
