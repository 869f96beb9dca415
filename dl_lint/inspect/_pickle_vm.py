"""A symbolic pickle machine: it follows the opcodes without creating objects.

The machine keeps a stack, a mark stack and a memo like pickle's
Unpickler, but its values are plain literals, small containers and the
markers of _pickle_values.  Calls are never made.  _pickle_models reads
the few calls that carry model tensors (PyTorch, NumPy, joblib).
"""

from __future__ import annotations

import io
import pickle
import pickletools
import struct
import warnings
from typing import TYPE_CHECKING, Callable

from ._pickle_models import ModelCalls
from ._pickle_values import UNKNOWN, Global, Persistent, Skipped, TensorRecord
from ._stream import StreamReader, corrupt, too_large

if TYPE_CHECKING:
    from .pickle import PickleScan

# Bounds on work and memory for one file, whatever it declares.
MAX_OPCODES = 10_000_000
MAX_STACK = 1_000_000
MAX_MEMO = 1_000_000
MAX_ITEMS = 256
KEEP_ARGUMENT = 4096
MAX_RETAINED = 64 << 20

_OPCODES = {ord(op.code): op for op in pickletools.opcodes}

_SCALAR_KEYS = (str, bytes, int, float, type(None))

_LENGTH_PREFIX = {
    pickletools.TAKEN_FROM_ARGUMENT1: struct.Struct("<B"),
    pickletools.TAKEN_FROM_ARGUMENT4: struct.Struct("<i"),
    pickletools.TAKEN_FROM_ARGUMENT4U: struct.Struct("<I"),
    pickletools.TAKEN_FROM_ARGUMENT8U: struct.Struct("<Q"),
}


class PickleMachine(ModelCalls):
    """Symbolic machine for one pickle, from the reader's position to its STOP opcode."""

    def __init__(self, reader: StreamReader, scan: PickleScan, *, depth: int = 0) -> None:
        self.reader = reader
        self.scan = scan
        self.depth = depth
        self.stack: list[object] = []
        self.marks: list[int] = []
        self.memo: dict[int, object] = {}
        # The real unpickler numbers MEMOIZE entries by len(memo).  This count
        # stays right after MAX_MEMO, when new entries are no longer stored.
        self.memo_length = 0
        self.memo_full = False
        self.handlers = self._handlers()

    def run(self) -> object:
        """Follow opcodes up to STOP and return the value left on the stack."""
        while True:
            offset = self.reader.offset
            code = self.reader.read_byte("a pickle opcode")
            opcode = _OPCODES.get(code)
            if opcode is None:
                raise corrupt(f"unknown pickle opcode 0x{code:02x}", offset)
            self.scan.opcodes += 1
            if self.scan.opcodes > MAX_OPCODES:
                raise too_large(f"pickle stream has more than {MAX_OPCODES} opcodes", offset)
            argument = self._read_argument(opcode, offset)
            if opcode.name == "STOP":
                return self._pop(offset)
            self.handlers[opcode.name](argument, offset)
            if len(self.stack) + len(self.marks) > MAX_STACK:
                raise too_large(f"pickle stack has more than {MAX_STACK} values and marks", offset)

    # Arguments.

    def _read_argument(self, opcode: pickletools.OpcodeInfo, offset: int) -> object:
        descriptor = opcode.arg
        if descriptor is None:
            return None
        description = f"the argument of {opcode.name}"
        if descriptor.n >= 0:
            raw = self.reader.read(descriptor.n, description)
        elif descriptor.n == pickletools.UP_TO_NEWLINE:
            raw = self._read_lines(descriptor, description)
            if raw is None:
                return Skipped(KEEP_ARGUMENT)
        else:
            layout = _LENGTH_PREFIX[descriptor.n]
            prefix = self.reader.read(layout.size, description)
            (length,) = layout.unpack(prefix)
            if length < 0:
                raise corrupt(f"negative length {length} in {opcode.name}", offset)
            if length > KEEP_ARGUMENT or self.scan.retained + length > MAX_RETAINED:
                self.reader.skip(length, description)
                return Skipped(length)
            self.scan.retained += length
            raw = prefix + self.reader.read(length, description)
        try:
            if descriptor.n != pickletools.UP_TO_NEWLINE:
                return descriptor.reader(io.BytesIO(raw))
            # Protocol 0 strings go through codecs.escape_decode, which warns
            # about invalid escapes.  The warning is silenced, so that a run
            # with warnings turned into errors still gets FormatError.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return descriptor.reader(io.BytesIO(raw))
        except (ValueError, OverflowError) as error:
            raise corrupt(f"invalid argument of {opcode.name}: {error}", offset) from error

    def _read_lines(self, descriptor: pickletools.ArgumentDescriptor, description: str) -> bytes | None:
        """Read the one or two newline-ended lines of a protocol 0 argument."""
        count = 2 if descriptor is pickletools.stringnl_noescape_pair else 1
        lines = [self.reader.read_line(KEEP_ARGUMENT, description) for _ in range(count)]
        if any(line is None for line in lines):
            return None
        return b"".join(line + b"\n" for line in lines)

    # Stack and memo.

    def _check_segment(self, offset: int) -> None:
        if not self.stack or (self.marks and len(self.stack) <= self.marks[-1]):
            raise corrupt("pickle stack underflow", offset)

    def _pop(self, offset: int) -> object:
        self._check_segment(offset)
        return self.stack.pop()

    def _top(self, offset: int) -> object:
        self._check_segment(offset)
        return self.stack[-1]

    def _pop_mark(self, offset: int) -> list[object]:
        if not self.marks:
            raise corrupt("pickle opcode needs a MARK, but none is open", offset)
        start = self.marks.pop()
        items = self.stack[start:]
        del self.stack[start:]
        return items

    def _store(self, key: int, value: object) -> None:
        if key in self.memo or len(self.memo) < MAX_MEMO:
            if key not in self.memo:
                self.memo_length += 1
            self.memo[key] = value
            return
        self.memo_full = True
        self.memo_length = max(self.memo_length, key + 1)

    def _fetch(self, key: int, offset: int) -> object:
        if key in self.memo:
            return self.memo[key]
        if self.memo_full:
            return UNKNOWN
        raise corrupt(f"pickle memo has no entry {key}", offset)

    def _name_tensor(self, key: object, value: object) -> None:
        if isinstance(value, TensorRecord) and value.name is None and isinstance(key, str):
            value.name = key

    def _set_item(self, target: object, key: object, value: object) -> None:
        self._name_tensor(key, value)
        # Only scalar keys are kept: hashing a tuple nested a million levels
        # deep overflows the C stack, and the state dicts that matter here
        # have string keys.
        if not isinstance(target, dict) or len(target) >= MAX_ITEMS or not isinstance(key, _SCALAR_KEYS):
            return
        target[key] = value

    # Opcode handlers.

    def _handlers(self) -> dict[str, Callable[[object, int], None]]:
        push_argument = self._push_argument
        handlers = {
            name: push_argument
            for name in (
                "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4",
                "STRING", "BINSTRING", "SHORT_BINSTRING", "BINBYTES",
                "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8", "UNICODE",
                "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "FLOAT", "BINFLOAT",
            )
        }  # fmt: skip
        handlers.update(
            NONE=lambda _, __: self.stack.append(None),
            NEWTRUE=lambda _, __: self.stack.append(True),
            NEWFALSE=lambda _, __: self.stack.append(False),
            EMPTY_LIST=lambda _, __: self.stack.append([]),
            EMPTY_DICT=lambda _, __: self.stack.append({}),
            EMPTY_TUPLE=lambda _, __: self.stack.append(()),
            EMPTY_SET=lambda _, __: self.stack.append(UNKNOWN),
            NEXT_BUFFER=lambda _, __: self.stack.append(UNKNOWN),
            READONLY_BUFFER=lambda _, offset: self._top(offset),
            MARK=lambda _, __: self.marks.append(len(self.stack)),
            POP=self._op_pop,
            POP_MARK=lambda _, offset: self._pop_mark(offset),
            DUP=lambda _, offset: self.stack.append(self._top(offset)),
            LIST=self._op_list,
            TUPLE=self._op_tuple,
            TUPLE1=lambda _, offset: self._op_small_tuple(1, offset),
            TUPLE2=lambda _, offset: self._op_small_tuple(2, offset),
            TUPLE3=lambda _, offset: self._op_small_tuple(3, offset),
            DICT=self._op_dict,
            FROZENSET=self._op_frozenset,
            APPEND=self._op_append,
            APPENDS=self._op_appends,
            SETITEM=self._op_setitem,
            SETITEMS=self._op_setitems,
            ADDITEMS=lambda _, offset: self._pop_mark(offset),
            GET=self._op_get,
            BINGET=self._op_get,
            LONG_BINGET=self._op_get,
            PUT=self._op_put,
            BINPUT=self._op_put,
            LONG_BINPUT=self._op_put,
            MEMOIZE=lambda _, offset: self._store(self.memo_length, self._top(offset)),
            GLOBAL=self._op_global,
            STACK_GLOBAL=self._op_stack_global,
            INST=self._op_inst,
            OBJ=self._op_obj,
            REDUCE=self._op_reduce,
            NEWOBJ=self._op_newobj,
            NEWOBJ_EX=self._op_newobj_ex,
            BUILD=self._op_build,
            PERSID=lambda argument, _: self.stack.append(Persistent(argument)),
            BINPERSID=lambda _, offset: self.stack.append(Persistent(self._pop(offset))),
            EXT1=self._op_extension,
            EXT2=self._op_extension,
            EXT4=self._op_extension,
            PROTO=self._op_proto,
            FRAME=lambda _, __: None,
        )
        return handlers

    def _push_argument(self, argument: object, _offset: int) -> None:
        self.stack.append(argument)

    def _op_pop(self, _argument: object, offset: int) -> None:
        # Like pickle's load_pop: POP on an empty segment discards the mark.
        if self.stack and not (self.marks and len(self.stack) <= self.marks[-1]):
            self.stack.pop()
        else:
            self._pop_mark(offset)

    def _op_list(self, _argument: object, offset: int) -> None:
        self.stack.append(self._pop_mark(offset)[:MAX_ITEMS])

    def _op_tuple(self, _argument: object, offset: int) -> None:
        items = self._pop_mark(offset)
        self.stack.append(tuple(items) if len(items) <= MAX_ITEMS else UNKNOWN)

    def _op_small_tuple(self, count: int, offset: int) -> None:
        items = [self._pop(offset) for _ in range(count)]
        self.stack.append(tuple(reversed(items)))

    def _op_dict(self, _argument: object, offset: int) -> None:
        items = self._pop_mark(offset)
        result: dict[object, object] = {}
        for index in range(0, len(items) - 1, 2):
            self._set_item(result, items[index], items[index + 1])
        self.stack.append(result)

    def _op_frozenset(self, _argument: object, offset: int) -> None:
        self._pop_mark(offset)
        self.stack.append(UNKNOWN)

    def _op_append(self, _argument: object, offset: int) -> None:
        value = self._pop(offset)
        target = self._top(offset)
        if isinstance(target, list) and len(target) < MAX_ITEMS:
            target.append(value)

    def _op_appends(self, _argument: object, offset: int) -> None:
        items = self._pop_mark(offset)
        target = self._top(offset)
        if isinstance(target, list):
            target.extend(items[: max(MAX_ITEMS - len(target), 0)])

    def _op_setitem(self, _argument: object, offset: int) -> None:
        value = self._pop(offset)
        key = self._pop(offset)
        self._set_item(self._top(offset), key, value)

    def _op_setitems(self, _argument: object, offset: int) -> None:
        items = self._pop_mark(offset)
        target = self._top(offset)
        for index in range(0, len(items) - 1, 2):
            self._set_item(target, items[index], items[index + 1])

    def _memo_key(self, argument: object, offset: int) -> int:
        # A protocol 0 key longer than KEEP_ARGUMENT digits arrives as Skipped.
        if not isinstance(argument, int) or argument < 0:
            raise corrupt(f"invalid pickle memo key {argument!r:.40}", offset)
        return int(argument)

    def _op_get(self, argument: object, offset: int) -> None:
        self.stack.append(self._fetch(self._memo_key(argument, offset), offset))

    def _op_put(self, argument: object, offset: int) -> None:
        self._store(self._memo_key(argument, offset), self._top(offset))

    def _global(self, argument: object, offset: int) -> Global:
        if not isinstance(argument, str):
            raise corrupt(f"pickle import name longer than {KEEP_ARGUMENT} bytes", offset)
        module, _, name = argument.partition(" ")
        self.scan.add_import(module, name)
        return Global(module, name)

    def _op_global(self, argument: object, offset: int) -> None:
        self.stack.append(self._global(argument, offset))

    def _op_stack_global(self, _argument: object, offset: int) -> None:
        name = self._pop(offset)
        module = self._pop(offset)
        if isinstance(module, str) and isinstance(name, str):
            self.scan.add_import(module, name)
            self.stack.append(Global(module, name))
            return
        # The operands come from calls or skipped strings, so the target is unknown.
        self.scan.add_unresolved("<unresolved STACK_GLOBAL>")
        self.stack.append(UNKNOWN)

    def _op_inst(self, argument: object, offset: int) -> None:
        func = self._global(argument, offset)
        args = tuple(self._pop_mark(offset))
        self.stack.append(self._call(func, args))

    def _op_obj(self, _argument: object, offset: int) -> None:
        items = self._pop_mark(offset)
        if not items:
            raise corrupt("OBJ without a class", offset)
        self.stack.append(self._call(items[0], tuple(items[1:])))

    def _op_reduce(self, _argument: object, offset: int) -> None:
        args = self._pop(offset)
        func = self._pop(offset)
        self.stack.append(self._call(func, args))

    def _op_newobj(self, _argument: object, offset: int) -> None:
        args = self._pop(offset)
        cls = self._pop(offset)
        self.stack.append(self._call(cls, args))

    def _op_newobj_ex(self, _argument: object, offset: int) -> None:
        self._pop(offset)
        args = self._pop(offset)
        cls = self._pop(offset)
        self.stack.append(self._call(cls, args))

    def _op_build(self, _argument: object, offset: int) -> None:
        state = self._pop(offset)
        target = self._top(offset)
        self.stack[-1] = self._build(target, state, offset)

    def _op_extension(self, argument: object, _offset: int) -> None:
        # copyreg's extension registry maps the code to an import in the
        # loading process, so the file alone cannot name it.
        self.scan.add_unresolved(f"<extension code {argument}>")
        self.stack.append(UNKNOWN)

    def _op_proto(self, argument: object, offset: int) -> None:
        if not isinstance(argument, int) or argument > pickle.HIGHEST_PROTOCOL:
            raise corrupt(f"unsupported pickle protocol {argument}", offset)
        if self.scan.protocol is None:
            self.scan.protocol = argument
