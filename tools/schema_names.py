#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print enums of the TFLite flatbuffer schema as C++ table rows {value, "NAME"}.

Reads the generated Python schema module shipped with the pinned ai-edge-litert
(ai_edge_litert.schema_py_generated; TensorFlow's copy is the fallback) and prints every
member of each requested enum, sorted by value, one `{value, "NAME"},` row per line
after a `//` comment naming the source and version.

Usage:
  python tools/schema_names.py BuiltinOperator > /tmp/builtin_ops.txt
  python tools/schema_names.py TensorType > /tmp/tensor_types.txt
"""
import argparse
import importlib
import importlib.metadata as md

CANDIDATES = [("ai_edge_litert.schema_py_generated", "ai-edge-litert"),
              ("tensorflow.lite.python.schema_py_generated", "tensorflow-cpu")]


def load_schema():
    for module, dist in CANDIDATES:
        try:
            return importlib.import_module(module), f"{dist} {md.version(dist)} {module}"
        except (ImportError, md.PackageNotFoundError):
            continue
    raise SystemExit("no schema_py_generated module found; pip install -r tools/requirements.txt")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("enums", nargs="*", default=["BuiltinOperator"],
                    help="enum class names, e.g. BuiltinOperator TensorType")
    args = ap.parse_args()
    schema, source = load_schema()
    for enum in args.enums:
        members = sorted((v, k) for k, v in vars(getattr(schema, enum)).items()
                         if not k.startswith("_") and isinstance(v, int))
        print(f"// {enum}: {len(members)} values, from {source}")
        for value, name in members:
            print(f'{{{value}, "{name}"}},')


if __name__ == "__main__":
    main()
