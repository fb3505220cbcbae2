"""A strict XML reader for requests from the network: no DTD, no entities, a size cap.

``parse(data)`` builds an ``xml.etree.ElementTree`` tree with ``{namespace}local`` tags using
expat directly, so that nothing is resolved that the document declares itself: a document
type declaration (the carrier of every entity and external-reference attack) is refused before
any of it is read, as is an entity declaration or a reference to an undeclared entity. Only the
five predefined entities and character references work.

    >>> parse(b"<a xmlns='urn:x'><b>1</b></a>").find("{urn:x}b").text
    '1'
"""

import xml.etree.ElementTree as ET
from xml.parsers import expat

MAX_BODY = 5 * 1024 * 1024  # bytes; a page of actors is a few kB, a full blank search < 1 MB
MAX_DEPTH = 64


class UnsafeXmlError(ValueError):
    """The body is not acceptable XML (too big, a DTD or entity, or not well-formed)."""


def _refuse(what):
    def handler(*_args):
        raise UnsafeXmlError(f"{what} is not accepted")
    return handler


def parse(data, max_size=MAX_BODY):
    """Return the root element of ``data`` (bytes) or raise :class:`UnsafeXmlError`."""
    if data is None or len(data) > max_size:
        raise UnsafeXmlError(f"The body is larger than {max_size} bytes")
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    stack = []
    root = []

    def start(name, attrs):
        tag = "{" + name if "}" in name else name
        attributes = {("{" + k if "}" in k else k): v for k, v in attrs.items()}
        element = ET.Element(tag, attributes)
        if stack:
            stack[-1].append(element)
        else:
            root.append(element)
        stack.append(element)
        if len(stack) > MAX_DEPTH:
            raise UnsafeXmlError("The document is nested too deeply")

    def end(_name):
        stack.pop()

    def text(data):
        if not stack:
            return
        element = stack[-1]
        if len(element):
            element[-1].tail = (element[-1].tail or "") + data
        else:
            element.text = (element.text or "") + data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse("A document type declaration")
    parser.EntityDeclHandler = _refuse("An entity declaration")
    parser.UnparsedEntityDeclHandler = _refuse("An entity declaration")
    parser.ExternalEntityRefHandler = _refuse("An external entity")
    parser.SkippedEntityHandler = _refuse("An undeclared entity")
    parser.ProcessingInstructionHandler = _refuse("A processing instruction")
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise UnsafeXmlError(f"The body is not well-formed XML: {exc}")
    if not root:
        raise UnsafeXmlError("The body holds no element")
    return root[0]


def local(tag):
    """``{ns}Name`` -> ``Name``."""
    return tag.rsplit("}", 1)[-1]


def child(element, name):
    """The first child with local name ``name`` (any namespace), or None."""
    for node in element:
        if local(node.tag) == name:
            return node
    return None


def children(element, name=None):
    return [node for node in element if name is None or local(node.tag) == name]
