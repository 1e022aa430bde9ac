"""The intermediate model: every decision the templates print, and nothing else.

Each item carries its ``wire_name`` (as in the document) and ``py_name``. Templates read
these records and never see raw Discovery dicts.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Width of docstring text in generated code: the IR lays out the text it composes
#: (method Args) to it, and the render filter wraps document text to it.
DOC_WIDTH = 88


@dataclass(frozen=True)
class PyRef:
    """A handwritten Python object that an extension document names
    (``"package.module:Name"``); generated modules import its module under an alias."""

    module: str  # "generativelanguage.gemini.responses"
    name: str  # "GenerateContentResponseMixin"

    #: Prefix of the module alias; no schema or resource name starts with ``_``.
    ALIAS_PREFIX = "_ext_"

    @property
    def alias(self) -> str:
        return self.ALIAS_PREFIX + self.module.replace(".", "_")

    @property
    def expr(self) -> str:
        return f"{self.alias}.{self.name}"

    @property
    def import_line(self) -> str:
        parent, _, leaf = self.module.rpartition(".")
        if not parent:
            return f"import {self.module} as {self.alias}"
        return f"from {parent} import {leaf} as {self.alias}"


@dataclass(frozen=True)
class Mixin(PyRef):
    """A handwritten class that an extension document mixes into a generated class
    (``x-mixin``): how the API's conveniences reach the generated types and clients.

    ``args`` are schema ids of the same document, the type arguments of a generic
    mixin (``package.module:ResponseMixin[FunctionCall]``): they let a handwritten,
    version-neutral class name each version's own types to type checkers.
    """

    args: tuple[str, ...] = ()
    ALIAS_PREFIX = "_mixin_"

    def base(self, prefix: str) -> str:
        """The base-class expression in a module that reaches the schemas as
        ``prefix + id`` (``""`` in types.py, ``"types."`` elsewhere). Type arguments
        are strings: a forward reference in types.py, and a lazily imported module in
        client.py, cost nothing at run time."""
        if not self.args:
            return self.expr
        return f"{self.expr}[{', '.join(repr(prefix + a) for a in self.args)}]"

    @property
    def expr_args(self) -> str:
        return self.base("types.")


@dataclass(frozen=True)
class BodyShorthand:
    """``x-body-shorthand`` on a method: more forms its ``body`` accepts (``accepts``, a
    type alias added to the signature) and the hook that turns every body into the
    request's own shape before it is encoded (``normalize``, called by the runtime
    through the method's ``MethodSpec``)."""

    normalize: PyRef
    accepts: PyRef | None = None
    #: What else ``body`` may be, for the method's docstring.
    description: str = ""


def mixin_imports(mixins: object) -> tuple[str, ...]:
    """Sorted, distinct import lines for ``mixins`` (Nones skipped)."""
    return tuple(sorted({m.import_line for m in mixins if m is not None}))  # type: ignore[attr-defined]


def bases(mixin: Mixin | None, base: str, prefix: str = "types.") -> str:
    """A class's bases, comma-separated: the mixin first, so its methods win."""
    return f"{mixin.base(prefix)}, {base}" if mixin else base


def base_clause(mixin: Mixin | None) -> str:
    """``(Mixin)`` for a class with no other base, else nothing."""
    return f"({mixin.base('types.')})" if mixin else ""


@dataclass(frozen=True)
class Field:
    wire_name: str
    py_name: str
    annotation: str  # without the "| None" that every field gets
    doc: str

    @property
    def renamed(self) -> bool:
        """Whether the field needs an explicit ``msgspec.field(name=...)``."""
        return self.py_name != self.wire_name


@dataclass(frozen=True)
class Struct:
    name: str
    discovery_path: str
    doc: str
    fields: tuple[Field, ...]
    mixin: Mixin | None = None

    @property
    def bases(self) -> str:
        return bases(self.mixin, "Struct", prefix="")


@dataclass(frozen=True)
class Alias:
    """A top-level schema that is not a message (a map, a list, any JSON value, a
    scalar): a module-level type alias, so decoding keeps every value."""

    name: str
    wire_name: str
    discovery_path: str
    doc: str
    annotation: str


@dataclass(frozen=True)
class EnumMember:
    py_name: str
    value: str
    doc: str


@dataclass(frozen=True)
class Enum:
    name: str
    discovery_path: str
    doc: str
    members: tuple[EnumMember, ...]

    @property
    def class_doc(self) -> str:
        return f"Values of `{self.discovery_path}`.\n\n{self.doc}"


@dataclass(frozen=True)
class Param:
    wire_name: str
    py_name: str
    annotation: str
    doc: str
    location: str  # "path" or "query"
    required: bool
    pattern: str | None = None
    #: `{+name}` in the path template: slashes inside the value are kept.
    reserved_expansion: bool = False
    #: Collection prefix the value may omit ("models/" for ^models/[^/]+$), or None.
    short_prefix: str | None = None
    #: Default of a trailing path parameter whose pattern allows one value only
    #: (``^batches$``), so callers need not spell it out.
    default: str | None = None


@dataclass(frozen=True)
class Pagination:
    #: py_name of the response field holding the items: a list, or a map of item lists
    #: (Compute's aggregatedList), which the pager iterates as (key, value) pairs.
    items_field: str
    token_param: str  # wire name of the page-token query parameter
    #: Annotation of one item as resources.py spells it (``types.Model``, ``str``).
    item_annotation: str = "Any"


@dataclass(frozen=True)
class MediaUpload:
    simple_path: str | None
    resumable_path: str | None
    max_size: int | None
    accept: tuple[str, ...]


@dataclass(frozen=True)
class StreamSwitch:
    """``x-stream``: the request fields that switch a method to its streaming form. The
    plain method refuses them; its streaming twin sends them."""

    twin: str  # py_name of the streaming twin, named in the plain method's refusal
    body: tuple[tuple[str, object], ...] = ()  # (wire field, JSON value)
    query: tuple[tuple[str, str], ...] = ()  # (query parameter, value)


@dataclass(frozen=True)
class Resume:
    """``x-stream-resume``: how a stream that dropped resumes after its last event."""

    spec_name: str | None  # MethodSpec constant to resume with; None: the method itself
    cursor: str  # event attribute holding the resumption token
    param: str  # wire name of the query parameter that takes it
    #: (path parameter, attribute paths in an event that give its value, first found wins)
    path: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()

    @property
    def spec_expr(self) -> str:
        return self.spec_name or "None"


@dataclass(frozen=True)
class EventStream:
    """The declared vocabulary and rules of a method's event stream (``x-stream-*``)."""

    type_field: str | None  # event attribute naming the event's type
    known: tuple[str, ...]  # the types the document lists; others arrive as UnknownEvent
    error: str | None  # the type of an event that reports an error
    done: str | None  # data of the event that ends the stream
    resume: Resume | None = None


@dataclass(frozen=True)
class Method:
    id: str
    wire_name: str
    py_name: str
    spec_name: str  # module-level constant holding the runtime MethodSpec
    http_method: str
    path: str
    doc: str
    path_params: tuple[Param, ...]
    query_params: tuple[Param, ...]
    request_type: str | None
    response_type: str | None
    streaming: bool
    pagination: Pagination | None
    long_running: bool
    media_upload: MediaUpload | None
    #: Fetches the method's media (``alt=media``) instead of JSON: the method of a
    #: ``supportsMediaDownload`` method without a response schema, else its
    #: ``<name>_media`` sibling.
    media_download: bool = False
    switch: StreamSwitch | None = None
    events: EventStream | None = None
    body_shorthand: BodyShorthand | None = None
    #: The document's description of the method (docs/reference/), "Deprecated." first.
    description: str = ""
    #: ``x-stream-terminal`` as attribute paths (``candidates.finish_reason``): one of
    #: them is set in the last chunk of a complete stream.
    stream_terminal: tuple[str, ...] = ()

    @property
    def body_annotation(self) -> str:
        """What ``body=`` accepts: the request type, a dict of its shape, and the
        shorthand forms an extension declares."""
        annotation = f"types.{self.request_type} | Mapping[str, Any]"
        if self.body_shorthand is not None and self.body_shorthand.accepts is not None:
            annotation += f" | {self.body_shorthand.accepts.expr}"
        return annotation

    @property
    def normalize_expr(self) -> str | None:
        """The body hook the MethodSpec carries, if any."""
        return self.body_shorthand.normalize.expr if self.body_shorthand else None

    @property
    def reference_params(self) -> tuple[str, ...]:
        """The parameters of the generated method as docs/reference/ shows them."""
        out = [
            f"{p.py_name}: str" + (f" = {p.default!r}" if p.default else "")
            for p in self.path_params
        ]
        out.append("*")
        if self.request_type:
            body = f"types.{self.request_type} | Mapping[str, Any]"
            if self.body_shorthand is not None and self.body_shorthand.accepts is not None:
                accepts = self.body_shorthand.accepts
                body += f" | {accepts.module}.{accepts.name}"
            out.append(f"body: {body}" + (" | None = None" if self.body_optional else ""))
        out += [
            f"{q.py_name}: {q.annotation}" + ("" if q.required else " | None = None")
            for q in self.query_params
        ]
        if self.media_upload is not None:
            out += [
                "file: UploadFile | None = None",
                "mime_type: str | None = None",
                "progress: Progress | None = None",
                "chunk_size: int | None = None",
            ]
        out.append("options: CallOptions | None = None")
        return tuple(out)

    @property
    def reference_http(self) -> str:
        return f"{self.http_method} {self.path}"

    @property
    def resumes_elsewhere(self) -> bool:
        """Whether the method's stream resumes through another method's spec."""
        resume = self.events.resume if self.events is not None else None
        return resume is not None and resume.spec_name is not None

    @property
    def body_optional(self) -> bool:
        """Media uploads may send the file alone, without metadata."""
        return self.media_upload is not None

    @property
    def call_kind(self) -> str:
        """Which runtime entry point the method body calls."""
        if self.media_download:
            return "media"
        if self.media_upload is not None:
            return "upload"
        if self.streaming:
            return "stream"
        if self.pagination is not None:
            return "paginate"
        return "call"

    @property
    def return_annotation(self) -> str:
        if self.media_download:
            return "Media"
        response = f"types.{self.response_type}" if self.response_type else "None"
        if self.events is not None:
            return f"EventStream[{response}]"
        if self.streaming:
            return f"Stream[{response}]"
        if self.pagination is not None:
            return f"Pager[{self.pagination.item_annotation}, {response}]"
        return response

    @property
    def async_return_annotation(self) -> str:
        if self.media_download:
            return "AsyncMedia"
        response = f"types.{self.response_type}" if self.response_type else "None"
        if self.events is not None:
            return f"AsyncEventStream[{response}]"
        if self.streaming:
            return f"AsyncStream[{response}]"
        if self.pagination is not None:
            return f"AsyncPager[{self.pagination.item_annotation}, {response}]"
        return response


@dataclass(frozen=True)
class Resource:
    wire_name: str
    attr_name: str
    class_name: str
    async_class_name: str
    discovery_path: str
    methods: tuple[Method, ...]
    children: tuple[Resource, ...]
    mixin: Mixin | None = None
    async_mixin: Mixin | None = None

    @property
    def bases(self) -> str:
        return base_clause(self.mixin)

    @property
    def async_bases(self) -> str:
        return base_clause(self.async_mixin)

    @property
    def class_doc(self) -> str:
        return f"The `{self.wire_name}` resource ({self.discovery_path})."

    @property
    def async_class_doc(self) -> str:
        return f"The `{self.wire_name}` resource ({self.discovery_path}), asynchronous."


@dataclass(frozen=True)
class ClientSettings:
    """Per-API facts the generated client carries, so the runtime stays API-neutral:
    from the document, its ``x-client`` extension key, or command-line options."""

    #: Environment variables read, in order, for the API key when none is passed.
    api_key_env: tuple[str, ...] = ()
    #: The service refuses every anonymous call (the client says so before sending).
    credentials_required: bool = False
    #: Path template (relative to the root URL) at which operations are polled.
    operations_path: str | None = None
    #: MethodSpec constant of the media method ``Client.download`` resolves names with.
    download_spec: str | None = None
    #: Field of a resource object holding a direct download URL (``download_uri``).
    download_uri_field: str | None = None


@dataclass(frozen=True)
class WebSocket:
    """A WebSocket endpoint declared by ``x-websockets``: a path below the root URL and
    the two envelope schemas, one JSON text message each way."""

    wire_name: str  # "bidiGenerateContent"
    id: str  # "google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    path: str  # relative to the root URL, e.g. "ws/google.ai...BidiGenerateContent"
    doc: str
    request_type: str  # schema of every client message
    response_type: str  # schema of every server message


@dataclass(frozen=True)
class Version:
    api_name: str
    version: str
    revision: str
    package: str  # "generativelanguage.v1beta"
    source_name: str
    sha256: str
    title: str
    description: str
    root_url: str
    service_path: str
    structs: tuple[Struct, ...]
    enums: tuple[Enum, ...]
    resources: tuple[Resource, ...]  # top-level, nested through .children
    methods: tuple[Method, ...]  # every method, in resource order
    all_resources: tuple[Resource, ...]  # every resource, children before parents
    type_imports: tuple[str, ...]
    warnings: tuple[str, ...]
    #: The schema `wait_operation` decodes polled operations into, if any.
    operation_type: str | None = None
    #: (file name, sha256) of the extension documents merged into the document.
    extensions: tuple[tuple[str, str], ...] = ()
    #: Top-level schemas that are not messages, in dependency order.
    aliases: tuple[Alias, ...] = ()
    #: Methods at the top level of the document: methods of the client itself.
    client_methods: tuple[Method, ...] = ()
    settings: ClientSettings = ClientSettings()
    #: How to regenerate the package (second header line).
    regenerate: str = "`make generate` (python -m codegen generate); see README.md"
    client_mixin: Mixin | None = None
    async_client_mixin: Mixin | None = None
    #: WebSocket endpoints (``x-websockets``), sorted by wire name.
    websockets: tuple[WebSocket, ...] = ()

    @property
    def _operation_arg(self) -> str:
        """The client base's type argument: the Operation type ``wait_operation`` returns
        (a string, since client.py imports ``types`` only for type checkers)."""
        return f'["types.{self.operation_type}"]' if self.operation_type else ""

    @property
    def client_bases(self) -> str:
        return bases(self.client_mixin, "SyncClientBase" + self._operation_arg)

    @property
    def async_client_bases(self) -> str:
        return bases(self.async_client_mixin, "AsyncClientBase" + self._operation_arg)

    @property
    def client_imports_types(self) -> bool:
        """Whether client.py names ``types`` in annotations (imported for checkers only)."""
        mixins = (self.client_mixin, self.async_client_mixin)
        return bool(self.operation_type) or any(m is not None and m.args for m in mixins)

    @property
    def types_mixin_imports(self) -> tuple[str, ...]:
        return mixin_imports(s.mixin for s in self.structs)

    @property
    def resources_mixin_imports(self) -> tuple[str, ...]:
        refs: list[PyRef | None] = [m for r in self.all_resources for m in (r.mixin, r.async_mixin)]
        for method in self.methods:
            if method.body_shorthand is not None:
                refs += [method.body_shorthand.normalize, method.body_shorthand.accepts]
        return mixin_imports(refs)

    @property
    def client_mixin_imports(self) -> tuple[str, ...]:
        return mixin_imports((self.client_mixin, self.async_client_mixin))

    @property
    def uses_field_rename(self) -> bool:
        """Whether types.py needs ``import msgspec`` for ``msgspec.field(name=...)``."""
        return any(f.renamed for s in self.structs for f in s.fields)

    @property
    def uses_streaming(self) -> bool:
        return any(m.streaming and m.events is None for m in self.methods)

    @property
    def uses_events(self) -> bool:
        """Whether resources.py needs the event-stream runtime (``x-stream``)."""
        return any(m.switch is not None or m.events is not None for m in self.methods)

    @property
    def spec_methods(self) -> tuple[Method, ...]:
        """Methods in the order their MethodSpec constants are defined: a stream that
        resumes through another method's spec comes after it."""
        return tuple(
            sorted(
                self.methods,
                key=lambda m: m.resumes_elsewhere,
            )
        )

    @property
    def uses_pagination(self) -> bool:
        return any(m.pagination is not None for m in self.methods)

    @property
    def uses_upload(self) -> bool:
        return any(m.media_upload is not None for m in self.methods)

    @property
    def client_type_checking(self) -> bool:
        """Whether client.py has names to import for type checkers only."""
        return bool(self.resources or self.client_methods or self.client_imports_types)

    @property
    def uses_media(self) -> bool:
        return any(m.media_download for m in self.methods)

    @property
    def uses_websockets(self) -> bool:
        return bool(self.websockets)

    @property
    def uses_bodies(self) -> bool:
        """Whether resources.py needs ``Mapping`` for dict bodies."""
        return any(m.request_type for m in self.methods)

    @property
    def uses_any(self) -> bool:
        """Whether resources.py needs ``Any`` (dict bodies, untyped page items)."""
        return self.uses_bodies or any(
            m.pagination is not None and m.pagination.item_annotation == "Any" for m in self.methods
        )

    @property
    def package_doc(self) -> str:
        return (
            f"{self.title}, API version {self.version}, revision {self.revision}: a typed "
            "client.\n\nImporting this package is cheap: `Client`, `AsyncClient`, `types` "
            "and `enums` load on first use."
        )

    @property
    def types_doc(self) -> str:
        return (
            f"Request and response types of {self.title} {self.version}: one msgspec Struct "
            "per Discovery schema, named as the schema.\n\nEvery field is optional and "
            "defaults to None; unset fields are left out of the JSON."
        )

    @property
    def enums_doc(self) -> str:
        return (
            f"Allowed values of the enum fields of {self.title} {self.version}, as string "
            "constants.\n\nFields stay typed `str`, so a value the server adds later still "
            "decodes; compare against these constants."
        )

    @property
    def resources_doc(self) -> str:
        return (
            f"Resources and methods of {self.title} {self.version}, sync and async.\n\n"
            "Each method body is one call into the runtime with the method's MethodSpec."
        )

    @property
    def client_module_doc(self) -> str:
        return f"`Client` and `AsyncClient` for {self.title} {self.version}."

    @property
    def client_doc(self) -> str:
        return f"{self.title} {self.version} (revision {self.revision}).\n\n{self.description}"

    @property
    def async_client_doc(self) -> str:
        return (
            f"{self.title} {self.version} (revision {self.revision}), asynchronous.\n\n"
            f"{self.description}"
        )

    @property
    def package_dir(self) -> str:
        """The package's folder relative to the output root: ``generativelanguage/v1beta``."""
        return self.package.replace(".", "/")

    @property
    def resource_paths(self) -> tuple[tuple[str, Resource], ...]:
        """Every resource with the attribute chain that reaches it from a client
        (``client.tuned_models.permissions``), parents before children, in document
        order."""
        out: list[tuple[str, Resource]] = []

        def walk(prefix: str, resources: tuple[Resource, ...]) -> None:
            for r in resources:
                out.append((f"{prefix}.{r.attr_name}", r))
                walk(f"{prefix}.{r.attr_name}", r.children)

        walk("client", self.resources)
        return tuple(out)

    @property
    def reference_header(self) -> str:
        """First line of docs/reference/<version>.md: generated, and how to regenerate."""
        return f"<!-- {self.header} Regenerate with `make generate`. -->"

    @property
    def header(self) -> str:
        merged = "".join(f" + discovery/extensions/{name}" for name, _ in self.extensions)
        return (
            f"Code generated by codegen from {self.source_name} (revision {self.revision})"
            f"{merged}. DO NOT EDIT."
        )
